"""Broken: CorrectedMomentumSGD multiplies lr into the velocity
(``v = momentum * v - lr * g; p += v``), as MomentumSGD does."""
import reference
from reference import *  # NOQA
from reference.optimizers import corrected_momentum_sgd


def update_core(self, param):
    grad = param.grad
    if grad is None:
        return
    v = self.state['v']
    v *= self.hyperparam.momentum
    v -= self.hyperparam.lr * grad
    param.data += v


corrected_momentum_sgd.CorrectedMomentumSGDRule.update_core = update_core


def __getattr__(name):
    return getattr(reference, name)
