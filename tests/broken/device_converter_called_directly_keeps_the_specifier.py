"""Broken: a dataset.converter() function called directly gets the device
specifier as given (an int, a string), not resolved to a Device."""
import reference
from reference import *  # NOQA
from reference.dataset import convert as _module


def __call__(self, *args, **kwargs):
    return self.base_callable(*args, **kwargs)


_module._FunctionConverter.__call__ = __call__


def __getattr__(name):
    return getattr(reference, name)
