"""Broken: RMSpropGraves adds eps outside the square root:
``lr * g / (sqrt(n - g_mean^2) + eps)``."""
import reference
from reference import *  # NOQA
from reference import backend
from reference.optimizers import rmsprop_graves


def update_core(self, param):
    grad = param.grad
    if grad is None:
        return
    hp = self.hyperparam
    xp = backend.get_array_module(grad)
    n, g, delta = self.state['n'], self.state['g'], self.state['delta']
    n *= hp.alpha
    n += (1 - hp.alpha) * grad * grad
    g *= hp.alpha
    g += (1 - hp.alpha) * grad
    delta *= hp.momentum
    delta -= hp.lr * grad / (xp.sqrt(xp.maximum(n - g * g, 0)) + hp.eps)
    param.data += delta


rmsprop_graves.RMSpropGravesRule.update_core = update_core


def __getattr__(name):
    return getattr(reference, name)
