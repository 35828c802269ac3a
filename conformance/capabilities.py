"""What an implementation declares it does not provide.

A namespace module may set::

    __conformance__ = {
        'unsupported': {
            'families': ['serialization'],          # whole property families
            'names': ['optimizers.NesterovAG'],     # public names (and what is under them)
            'devices': ['gpu'],                     # --device kinds
        },
        'version': '1.2.0',    # optional: the namespace's own version for the reports
    }

A property in a declared family, or run on a declared device, is reported
``unsupported`` without running; a property that fails only because a
declared name is missing (``ImplementationLacks``) is reported
``unsupported`` instead of ``failed``.  A missing name that is not declared
stays a failure, so nothing is skipped silently.
"""
import dataclasses

from conformance import errors, spec
from conformance.namespace import ImplementationLacks

_KINDS = ('families', 'names', 'devices')
_DEVICES = ('cpu', 'gpu')


class CapabilityError(errors.UsageError, ValueError):
    """A malformed ``__conformance__`` declaration (a usage error)."""


@dataclasses.dataclass(frozen=True)
class Capabilities:
    families: tuple = ()
    names: tuple = ()
    devices: tuple = ()

    @classmethod
    def of(cls, module):
        """The declaration on ``module`` (nothing declared: everything claimed)."""
        declared = getattr(module, '__conformance__', None) or {}
        if not isinstance(declared, dict) or set(declared) - {'unsupported', 'version'}:
            raise CapabilityError(
                f'__conformance__ must be a dict with the keys "unsupported" and "version" '
                f'(both optional), got {declared!r}')
        unsupported = declared.get('unsupported', {})
        unknown = set(unsupported) - set(_KINDS)
        if unknown:
            raise CapabilityError(f'__conformance__["unsupported"]: unknown keys '
                                  f'{sorted(unknown)}; expected some of {list(_KINDS)}')
        values = {kind: tuple(unsupported.get(kind, ())) for kind in _KINDS}
        for family in values['families']:
            if family not in spec.FAMILIES:
                raise CapabilityError(f'__conformance__: unknown family {family!r}; '
                                      f'families are {", ".join(spec.FAMILIES)}')
        for device in values['devices']:
            if device not in _DEVICES:
                raise CapabilityError(f'__conformance__: unknown device {device!r}; '
                                      f'devices are {", ".join(_DEVICES)}')
        return cls(**values)

    def why_not_run(self, family, device):
        """The reason a property of ``family`` on ``device`` is unsupported, or None."""
        if family in self.families:
            return f'family {family} is declared unsupported'
        if device.kind in self.devices:
            return f'device {device.kind} is declared unsupported'
        return None

    def lacks_declared(self, error):
        """The declared name behind ``error`` if it is (a group of) ImplementationLacks
        for declared names only, else None."""
        leaves = list(_leaves(error))
        paths = [_missing_path(leaf) for leaf in leaves]
        if not paths or None in paths or not all(self._declares(p) for p in paths):
            return None
        return ', '.join(sorted(set(paths)))

    def _declares(self, path):
        return any(path == name or path.startswith(name + '.') for name in self.names)

    def describe(self):
        parts = [f'{kind} {", ".join(getattr(self, kind))}'
                 for kind in _KINDS if getattr(self, kind)]
        return '; '.join(parts) if parts else None


def _leaves(error):
    inner_errors = getattr(error, 'exceptions', None)   # an exception group
    if isinstance(inner_errors, tuple):
        for inner in inner_errors:
            yield from _leaves(inner)
    else:
        yield error


def _missing_path(error):
    return error.name if isinstance(error, ImplementationLacks) else None
