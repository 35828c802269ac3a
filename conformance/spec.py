"""Metadata every property carries, and Chainer's documented divergences.

``@rule(family, source=..., level=...)`` gives a property its family (a row
of the summary matrix), its requirement level and the source of truth (a
Chainer doc section or ``file:function@v7.8.1``).  The property's stable id
is its test name.  ``script=`` names its script checker (``script_checks``),
which writes what the property asserts into the public-API script of a
failure (``script_checker``).  Levels:

- ``must``: documented behaviour;
- ``quirk``: undocumented Chainer behaviour an implementation may choose not
  to copy;
- ``hardening``: a robustness requirement beyond Chainer's contract (errors
  that name what is wrong, loads that fail without side effects, snapshots
  never unpickled); Chainer itself falls short, and says so with
  ``@diverges('chainer', ...)``.

``@diverges(impl, reason=..., source=...)`` records that the named
implementation is known to fail the property (for ``chainer``: a bug where its
code contradicts its documentation).  The property then runs as a strict
expected failure for that implementation, so a fix shows up as XPASS(strict).
"""
import numpy
import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

FAMILIES = (
    'trigger-precedence', 'trigger-schedule', 'priority-ordering', 'names',
    'lifecycle', 'frozen-parameters', 'lr-scaling', 'hyperparameters',
    'update-formulas', 'optimizer-hooks', 'serialization', 'resume',
    'shift-schedules', 'bad-input', 'api', 'loss-scaling', 'iterator', 'differential',
    'cross-device', 'observation', 'value-triggers', 'evaluator', 'snapshot-writers',
)
LEVELS = ('must', 'quirk', 'hardening')


def rule(family, *, source, level='must', script=None):
    if family not in FAMILIES:
        raise ValueError(f'unknown family {family!r}; add it to spec.FAMILIES')
    if level not in LEVELS:
        raise ValueError(f'level must be one of {LEVELS}, not {level!r}')
    checker = {} if script is None else {'script': script}
    return pytest.mark.conformance(family=family, level=level, source=source, **checker)


def script_checker(item):
    """The script checker the property ``item`` declares (``@rule(script=...)``), or None."""
    mark = item.get_closest_marker('conformance')
    return None if mark is None else mark.kwargs.get('script')


def diverges(impl, *, reason, source, numpy=None, version=None):
    """A known divergence of implementation ``impl`` (a strict expected
    failure there); ``numpy``, a version specifier such as ``'>=2'``,
    limits it to the NumPy versions where it shows, ``version`` to the
    implementation's own versions (a Chainer 7 change is not one of 6.7.0)."""
    return pytest.mark.diverges(impl=impl, reason=reason, source=source, numpy=numpy,
                                version=version)


def divergence_applies(mark, impl_name, impl_version=None):
    """Whether a ``diverges`` mark holds for ``impl_name`` (at ``impl_version``,
    when known) under this NumPy."""
    if mark.kwargs['impl'] != impl_name:
        return False
    versions = mark.kwargs.get('version')
    if versions is not None and impl_version is not None:
        try:
            if Version(impl_version) not in SpecifierSet(versions):
                return False
        except InvalidVersion:      # a version that says nothing: the mark holds
            pass
    condition = mark.kwargs.get('numpy')
    return condition is None or numpy.__version__ in SpecifierSet(condition)
