"""Broken: MinValueTrigger fires on ties (<=) as well as on a strictly lower
interval mean."""
import reference
from reference import *  # NOQA

from reference.training.triggers import best_value_trigger as _module


def _less_or_equal(best, new):
    return new <= best


def __init__(self, key, trigger=(1, "epoch")):
    _module.BestValueTrigger.__init__(self, key, _less_or_equal, trigger)


_module.MinValueTrigger.__init__ = __init__

def __getattr__(name):
    return getattr(reference, name)
