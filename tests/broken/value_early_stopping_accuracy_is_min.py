"""Broken: EarlyStoppingTrigger in auto mode treats every monitor as a loss
(less is better), also those with accuracy in their name."""
import reference
from reference import *  # NOQA

import operator

from reference.training.triggers import early_stopping_trigger as _module

_init = _module.EarlyStoppingTrigger.__init__


def __init__(self, *args, mode="auto", **kwargs):
    _init(self, *args, mode=mode, **kwargs)
    if mode not in ("max", "min"):
        self._compare = operator.lt
        self.best = float("inf")


_module.EarlyStoppingTrigger.__init__ = __init__

def __getattr__(name):
    return getattr(reference, name)
