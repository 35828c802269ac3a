"""Broken: Adam does not forward AdaBound's ``final_lr`` to its hyperparam."""
import reference
from reference import *  # NOQA
from reference.optimizers import adam

del adam.Adam.final_lr


def __getattr__(name):
    return getattr(reference, name)
