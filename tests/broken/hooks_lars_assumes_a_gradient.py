"""Broken: GradientLARS skips only an uninitialized parameter, so a missing
gradient (``param.update()`` after ``cleargrad()``) raises."""
import reference
from reference import *  # NOQA
from reference.optimizer_hooks import gradient_lars

_call = gradient_lars.GradientLARS.__call__


def __call__(self, rule, param):
    if param.data is not None and param.grad is None:
        param.grad.fill(0)      # AttributeError, as the unguarded norm would fail
    _call(self, rule, param)


gradient_lars.GradientLARS.__call__ = __call__


def __getattr__(name):
    return getattr(reference, name)
