"""Broken: the deprecated names ``optimizer.WeightDecay`` etc. are the hooks
themselves, built without a DeprecationWarning."""
import reference
from reference import *  # NOQA
from reference import optimizer, optimizer_hooks

for _name in ('WeightDecay', 'Lasso', 'GradientClipping', 'GradientNoise',
              'GradientHardClipping'):
    setattr(optimizer, _name, getattr(optimizer_hooks, _name))


def __getattr__(name):
    return getattr(reference, name)
