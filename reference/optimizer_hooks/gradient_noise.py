"""Add noise to each gradient: ``g += noise_func(xp, shape, dtype, hook, rule)``.

The default noise is Gaussian with variance ``eta / (1 + t) ** 0.55``, ``t``
being the update rule's step count (Neelakantan et al., 2015).  Properties
pass their own ``noise_func`` to make the hook deterministic.
"""
import numpy

from reference import backend


def exponential_decay_noise(xp, shape, dtype, hook, opt):
    """Gaussian noise whose standard deviation decays with ``opt.t``."""
    std = numpy.sqrt(hook.eta / numpy.power(1 + opt.t, 0.55))
    return xp.random.normal(0, std, shape).astype(dtype)


class GradientNoise:
    """Per-param 'pre' hook; ``noise_func`` gets the update rule as its ``opt``."""

    name = 'GradientNoise'
    call_for_each_param = True
    timing = 'pre'

    def __init__(self, eta, noise_func=exponential_decay_noise):
        self.eta = eta
        self.noise_func = noise_func

    def __call__(self, rule, param):
        g = param.grad
        if g is None:
            return
        xp = backend.get_array_module(g)
        g += self.noise_func(xp, g.shape, g.dtype, self, rule)
