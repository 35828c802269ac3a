"""Broken: GradientNoise's default noise decays as ``eta / t ** 0.55``
instead of ``eta / (1 + t) ** 0.55`` (the paper's ``t`` counted from 0)."""
import numpy

import reference
from reference import *  # NOQA
from reference.optimizer_hooks import gradient_noise


def exponential_decay_noise(xp, shape, dtype, hook, opt):
    std = numpy.sqrt(hook.eta / numpy.power(max(opt.t, 1), 0.55))
    return xp.random.normal(0, std, shape).astype(dtype)


gradient_noise.exponential_decay_noise = exponential_decay_noise
gradient_noise.GradientNoise.__init__.__defaults__ = (exponential_decay_noise,)


def __getattr__(name):
    return getattr(reference, name)
