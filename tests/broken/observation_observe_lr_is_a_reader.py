"""Broken: observe_lr runs at PRIORITY_READER, after LogReport and the
value triggers have read the observation of the iteration."""
import reference
from reference import *  # NOQA

_observe_lr = reference.training.extensions.observe_lr


def observe_lr(*args, **kwargs):
    extension = _observe_lr(*args, **kwargs)
    extension.priority = reference.training.PRIORITY_READER - 10
    return extension


reference.training.extensions.observe_lr = observe_lr

def __getattr__(name):
    return getattr(reference, name)
