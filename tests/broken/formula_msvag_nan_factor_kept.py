"""Broken: MSVAG keeps the NaN of ``0 / 0`` (moments still 0) as its
factor instead of taking 0, so a parameter whose gradients were all zero
becomes NaN."""
import reference
from reference import *  # NOQA
from reference import backend
from reference.optimizers import msvag


def update_core(self, param):
    grad = param.grad
    if grad is None:
        return
    hp = self.hyperparam
    xp = backend.get_array_module(grad)
    m, v = self.state['m'], self.state['v']
    rho = (((1.0 - hp.beta) ** 2) * (1.0 - self.beta_power ** 2) /
           (((1.0 - self.beta_power) ** 2) * (1.0 - hp.beta ** 2)))
    rho = min(rho, 0.9999)
    m += (1 - hp.beta) * (grad - m)
    v += (1 - hp.beta) * (grad * grad - v)
    mt = m / (1 - self.beta_power)
    vt = v / (1 - self.beta_power)
    mt2 = mt ** 2
    s = (vt - mt2) / (1 - rho)
    with numpy.errstate(invalid='ignore', divide='ignore'):
        factor = xp.clip(mt2 / (mt2 + rho * s), 0, 1)
    param.data -= hp.eta * (hp.lr * mt * factor + hp.weight_decay_rate * param.data)
    self.beta_power *= hp.beta


import numpy  # NOQA: E402
msvag.MSVAGRule.update_core = update_core


def __getattr__(name):
    return getattr(reference, name)
