"""Broken: ``make_extension(priority=None)`` leaves the function without a
priority attribute instead of ``PRIORITY_READER``, and ``extend`` then sorts
such an extension last (as if its priority were minus infinity)."""
import reference
from reference import *  # NOQA
from reference.training import extension as extension_module
from reference.training import trainer as trainer_module

_make_extension = extension_module.make_extension


def make_extension(trigger=None, default_name=None, priority=None, **kwargs):
    decorate = _make_extension(trigger=trigger, default_name=default_name,
                               priority=priority, **kwargs)

    def decorator(function):
        function = decorate(function)
        if priority is None:
            function.priority = float('-inf')
        return function
    return decorator


extension_module.make_extension = make_extension
reference.training.make_extension = make_extension


def __getattr__(name):
    return getattr(reference, name)
