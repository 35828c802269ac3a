"""Lacks one optional argument: ``make_extension(on_error=)`` (Chainer 6),
refused as Chainer 5 refuses an unknown keyword."""
import reference
from reference import *  # NOQA
from reference import training
from reference.training import extension as extension_module

_make_extension = extension_module.make_extension


def make_extension(trigger=None, default_name=None, priority=None,
                   finalizer=None, initializer=None, **kwargs):
    if 'on_error' in kwargs:
        raise TypeError("make_extension() got unexpected keyword argument(s) 'on_error'")
    return _make_extension(trigger=trigger, default_name=default_name, priority=priority,
                           finalizer=finalizer, initializer=initializer, **kwargs)


extension_module.make_extension = make_extension
training.make_extension = make_extension


def __getattr__(name):
    return getattr(reference, name)
