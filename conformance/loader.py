"""Resolve ``--impl`` to a Chainer-API namespace module.

Accepted forms, tried in this order: the built-in names ``reference`` and
``chainer``; a name an installed package registers in the entry-point group
``chainer_conformance.implementations`` (name -> namespace module); a dotted
module name; a path to a ``.py`` file.

``names_a_file`` and ``import_file`` are also how ``--extension`` tells a
file from a module name and imports the file (``user_extension``).
"""
import dataclasses
import importlib
import importlib.metadata
import importlib.util
import os
import sys

from conformance import errors

ENTRY_POINT_GROUP = 'chainer_conformance.implementations'
ACCEPTED_FORMS = ("'reference', 'chainer', a name registered in the entry-point group "
                  f"{ENTRY_POINT_GROUP}, a dotted module name "
                  "(some.package.namespace) or a path to a .py file")


class ImplementationError(errors.UsageError):
    """``--impl`` names nothing importable; a usage error, not a test failure."""


@dataclasses.dataclass(frozen=True)
class Implementation:
    spec: str          # what the user passed to --impl
    name: str          # short name used by expectations ('reference', 'chainer', ...)
    module: object
    version: str
    file: str
    shims: tuple = ()
    resolved_as: str = 'module'   # 'built-in', 'entry point', 'module' or 'file'

    def describe(self):
        return f'{self.name} {self.version} ({self.file})'


def names_a_file(text):
    """Whether an option's module part names a ``.py`` file, not a module."""
    return text.endswith('.py') or os.sep in text


def import_file(path, prefix):
    """Import the Python file at ``path`` as the module ``prefix + its stem``
    (kept in ``sys.modules``, so pickling and ``inspect`` find it)."""
    name = prefix + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None:
        raise ImportError(f'{path} is not a Python module')
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _registered(name):
    """The entry point ``name`` in ``ENTRY_POINT_GROUP``, or None."""
    try:
        found = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    except TypeError:  # Python 3.9: entry_points() takes no selection
        found = importlib.metadata.entry_points().get(ENTRY_POINT_GROUP, ())
    return next((ep for ep in found if ep.name == name), None)


def _own_version(module):
    """The namespace's own version: its ``__version__`` or the one its
    ``__conformance__`` declares, never one a module-level ``__getattr__``
    forwards from the package it wraps."""
    own = vars(module) if hasattr(module, '__dict__') else {}
    declared = own.get('__conformance__')
    if isinstance(declared, dict) and 'version' in declared:
        return declared['version']
    return own.get('__version__', 'unknown')


def load_implementation(spec, search_dir=None):
    """Import the namespace named by ``spec``; raise ImplementationError if it cannot.

    A dotted name is also looked up in ``search_dir`` (the directory pytest
    was started from), as ``python -m pytest`` would find it.
    """
    shims = ()
    if search_dir is not None and str(search_dir) not in sys.path:
        sys.path.append(str(search_dir))
    entry_point = None
    try:
        if spec == 'chainer':
            from conformance import chainer_compat
            module = chainer_compat.import_chainer()
            shims = tuple(chainer_compat.APPLIED)
            name, resolved_as = 'chainer', 'built-in'
        elif spec == 'reference':
            module = importlib.import_module(spec)
            name, resolved_as = spec, 'built-in'
        elif (entry_point := _registered(spec)) is not None:
            module = entry_point.load()
            name, resolved_as = spec, 'entry point'
        elif names_a_file(spec):
            if not os.path.isfile(os.path.join(search_dir or '', spec)):
                raise ImplementationError(
                    f'--impl={spec}: no such file. Accepted forms: {ACCEPTED_FORMS}.')
            module = import_file(os.path.abspath(os.path.join(search_dir or '', spec)),
                                 '_conformance_impl_')
            name, resolved_as = os.path.splitext(os.path.basename(spec))[0], 'file'
        else:
            module = importlib.import_module(spec)
            name, resolved_as = spec, 'module'
    except ImplementationError:
        raise
    except ModuleNotFoundError as e:
        if spec != 'chainer' and entry_point is None and e.name and spec.startswith(e.name):
            raise ImplementationError(
                f'--impl={spec}: no module named {e.name!r}. '
                f'Accepted forms: {ACCEPTED_FORMS}.') from e
        raise ImplementationError(
            f'--impl={spec}: the module does not import: {type(e).__name__}: {e}. '
            f'Accepted forms: {ACCEPTED_FORMS}.') from e
    except Exception as e:
        raise ImplementationError(
            f'--impl={spec}: the module does not import: {type(e).__name__}: {e}. '
            f'Accepted forms: {ACCEPTED_FORMS}.') from e
    version = str(_own_version(module))
    file = getattr(module, '__file__', None) or '<no file>'
    return Implementation(spec=spec, name=name, module=module, version=version,
                          file=file, shims=shims, resolved_as=resolved_as)
