"""Broken: DictSummary.add drops a weight given as a Variable (then refuses
it as not scalar) instead of using its array (held-out mutation seed 8)."""
import reference
from reference import *  # NOQA
from reference import reporter as _module
from reference import variable as _variable

_add = _module.DictSummary.add


def add(self, d):
    _add(self, {key: (value[0], None) if isinstance(value, tuple)
                and isinstance(value[1], _variable.Variable) else value
                for key, value in d.items()})


_module.DictSummary.add = add


def __getattr__(name):
    return getattr(reference, name)
