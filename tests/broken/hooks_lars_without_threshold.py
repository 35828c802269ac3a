"""Broken: GradientLARS rescales every gradient, whatever the parameter's
norm (the threshold is ignored)."""
import reference
from reference import *  # NOQA
from reference import backend
from reference.optimizer_hooks import gradient_lars


def __call__(self, rule, param):
    p, g = param.data, param.grad
    if p is None or g is None:
        return
    xp = backend.get_array_module(p)
    p_norm = xp.linalg.norm(p)
    g_norm = xp.linalg.norm(g)
    rate = p_norm / (self.eps + g_norm + self.weight_decay * p_norm)
    g += self.weight_decay * p
    g *= rate


gradient_lars.GradientLARS.__call__ = __call__


def __getattr__(name):
    return getattr(reference, name)
