"""Broken: EarlyStoppingTrigger drops ``patients``, the old name of
``patience``, and stops after the default 3 checks."""
import reference
from reference import *  # NOQA

from reference.training.triggers import early_stopping_trigger as _module

_init = _module.EarlyStoppingTrigger.__init__


def __init__(self, *args, patients=None, **kwargs):
    _init(self, *args, **kwargs)


_module.EarlyStoppingTrigger.__init__ = __init__

def __getattr__(name):
    return getattr(reference, name)
