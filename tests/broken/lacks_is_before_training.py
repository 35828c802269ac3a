"""Lacks one optional name: ``Trainer.is_before_training`` (added in Chainer 7).

The trainer still calls its before-training extensions (it asks itself
through a private name): only the public attribute is gone, as for a user of
Chainer 6.
"""
import sys

import reference
from reference import *  # NOQA
from reference.training import trainer as trainer_module

_is_before_training = trainer_module.Trainer.is_before_training


def is_before_training(self):
    """Answered to the trainer's own ``run`` only (the caller's module decides)."""
    if sys._getframe(1).f_globals.get('__name__') == trainer_module.__name__:
        return _is_before_training.fget(self)
    raise AttributeError("'Trainer' object has no attribute 'is_before_training'")


trainer_module.Trainer.is_before_training = property(is_before_training)


def __getattr__(name):
    return getattr(reference, name)
