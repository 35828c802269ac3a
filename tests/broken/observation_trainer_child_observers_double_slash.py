"""Broken: the trainer names a child link's observer ``name + '/' + path``,
as if ``namedlinks`` gave paths without their leading slash (``main//l1``)."""
import reference
from reference import *  # NOQA

Trainer = reference.training.Trainer
_init = Trainer.__init__


def __init__(self, updater, *args, **kwargs):
    _init(self, updater, *args, **kwargs)
    self.reporter = reference.Reporter()
    for name, optimizer in updater.get_all_optimizers().items():
        self.reporter.add_observer(name, optimizer.target)
        self.reporter.add_observers(name + '/', optimizer.target.namedlinks(skipself=True))


Trainer.__init__ = __init__


def __getattr__(name):
    return getattr(reference, name)
