"""Broken: dynamic scaling halves on inf/NaN gradients but still applies the update."""
import reference
from reference import *  # NOQA
from reference import optimizer


def is_safe_to_update(self):
    return True


optimizer.Optimizer.is_safe_to_update = is_safe_to_update


def __getattr__(name):
    return getattr(reference, name)
