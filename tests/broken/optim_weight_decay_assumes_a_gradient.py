"""Broken: WeightDecay skips only an uninitialized parameter, so a missing
gradient (``param.update()`` after ``cleargrad()``) raises TypeError."""
import reference
from reference import *  # NOQA
from reference.optimizer_hooks import weight_decay


def __call__(self, rule, param):
    if param.data is not None:
        param.grad += self.rate * param.data


weight_decay.WeightDecay.__call__ = __call__


def __getattr__(name):
    return getattr(reference, name)
