"""Broken: GradientLARS rescales a parameter whose norm equals the
threshold (``>=`` where Chainer compares with ``>``)."""
import reference
from reference import *  # NOQA
from reference import backend
from reference.optimizer_hooks import gradient_lars


def __call__(self, rule, param):
    p, g = param.data, param.grad
    if p is None or g is None:
        return
    xp = backend.get_array_module(p)
    p_norm, g_norm = xp.linalg.norm(p), xp.linalg.norm(g)
    local_rate = p_norm / (self.eps + g_norm + self.weight_decay * p_norm)
    rate = xp.where(p_norm >= self.threshold, local_rate, 1.0)
    g += self.weight_decay * p
    g *= rate


gradient_lars.GradientLARS.__call__ = __call__


def __getattr__(name):
    return getattr(reference, name)
