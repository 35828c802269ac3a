"""Broken: ``force_backprop_mode`` sets ``config.enable_backprop`` to False,
so it cannot undo an enclosing ``no_backprop_mode``."""
import reference
from reference import *  # NOQA


def force_backprop_mode():
    return reference.using_config('enable_backprop', False)


def __getattr__(name):
    return getattr(reference, name)
