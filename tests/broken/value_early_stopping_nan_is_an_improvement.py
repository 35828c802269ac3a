"""Broken: EarlyStoppingTrigger asks whether the mean is not worse than the
best, so a NaN mean counts as an improvement and resets the count."""
import reference
from reference import *  # NOQA

from reference.training.triggers import early_stopping_trigger as _module

_init = _module.EarlyStoppingTrigger.__init__


def __init__(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    worse = {'gt': lambda a, b: a <= b, 'lt': lambda a, b: a >= b}[self._compare.__name__]
    self._compare = lambda current, best: not worse(current, best)


_module.EarlyStoppingTrigger.__init__ = __init__

def __getattr__(name):
    return getattr(reference, name)
