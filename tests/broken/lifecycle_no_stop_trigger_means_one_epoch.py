"""Broken: a trainer built without a stop trigger stops after one epoch
instead of never stopping by itself."""
import reference
from reference import *  # NOQA

Trainer = reference.training.Trainer
_init = Trainer.__init__


def __init__(self, updater, stop_trigger=None, *args, **kwargs):
    _init(self, updater, stop_trigger, *args, **kwargs)
    if stop_trigger is None:
        self.stop_trigger = reference.training.get_trigger((1, 'epoch'))


Trainer.__init__ = __init__


def __getattr__(name):
    return getattr(reference, name)
