"""Broken: the trainer registers each optimizer's target as an observer but
not the links below it, so a child link's report raises KeyError."""
import reference
from reference import *  # NOQA

Trainer = reference.training.Trainer
_init = Trainer.__init__


def __init__(self, updater, *args, **kwargs):
    _init(self, updater, *args, **kwargs)
    self.reporter = reference.Reporter()
    for name, optimizer in updater.get_all_optimizers().items():
        self.reporter.add_observer(name, optimizer.target)


Trainer.__init__ = __init__


def __getattr__(name):
    return getattr(reference, name)
