"""Broken: the trainer registers each optimizer's target as an observer but
not the target's descendant links, so reporting with a child link fails."""
import reference
from reference import *  # NOQA

_Trainer = reference.training.Trainer
_init = _Trainer.__init__


def __init__(self, updater, *args, **kwargs):
    _init(self, updater, *args, **kwargs)
    reporter = reference.Reporter()
    for name, optimizer in updater.get_all_optimizers().items():
        reporter.add_observer(name, optimizer.target)
    self.reporter = reporter


_Trainer.__init__ = __init__


def __getattr__(name):
    return getattr(reference, name)
