"""Broken: GradientNoise on an optimizer is called once with the optimizer
(not per parameter) and passes the optimizer to ``noise_func`` as ``opt``,
so the noise follows the optimizer's ``t`` instead of each rule's."""
import reference
from reference import *  # NOQA
from reference import backend
from reference.optimizer_hooks import gradient_noise

_call = gradient_noise.GradientNoise.__call__


def __call__(self, *args):
    if len(args) == 2:
        return _call(self, *args)
    optimizer, = args
    for param in optimizer.target.params():
        g = param.grad
        if g is not None:
            xp = backend.get_array_module(g)
            g += self.noise_func(xp, g.shape, g.dtype, self, optimizer)


gradient_noise.GradientNoise.__call__ = __call__
gradient_noise.GradientNoise.call_for_each_param = False


def __getattr__(name):
    return getattr(reference, name)
