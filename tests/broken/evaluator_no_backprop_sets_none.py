"""Broken: ``no_backprop_mode`` sets ``config.enable_backprop`` to None, not
False (falsy alike, but not the value Chainer sets)."""
import reference
from reference import *  # NOQA
from reference import configuration


def no_backprop_mode():
    return configuration.using_config('enable_backprop', None)


configuration.no_backprop_mode = no_backprop_mode


def __getattr__(name):
    return getattr(reference, name)
