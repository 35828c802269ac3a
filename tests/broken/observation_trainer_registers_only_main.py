"""Broken: the trainer registers the observers of the ``main`` optimizer's
target only, not those of the updater's other optimizers."""
import reference
from reference import *  # NOQA

Trainer = reference.training.Trainer
_init = Trainer.__init__


def __init__(self, updater, *args, **kwargs):
    _init(self, updater, *args, **kwargs)
    self.reporter = reference.Reporter()
    target = updater.get_optimizer('main').target
    self.reporter.add_observer('main', target)
    self.reporter.add_observers('main', target.namedlinks(skipself=True))


Trainer.__init__ = __init__


def __getattr__(name):
    return getattr(reference, name)
