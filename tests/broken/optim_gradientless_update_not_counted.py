"""Broken: an update rule returns at once when the parameter has no
gradient, so it neither counts the step nor creates its state."""
import reference
from reference import *  # NOQA
from reference.optimizer import UpdateRule

_update = UpdateRule.update


def update(self, param):
    if param.grad is not None:
        _update(self, param)


UpdateRule.update = update


def __getattr__(name):
    return getattr(reference, name)
