"""Broken: a bool is refused as a specifier (``TypeError``), where Chainer
reads it as the integer it is: ``True`` is GPU 1, ``False`` GPU 0 (a
``RuntimeError`` without CUDA)."""
import reference
from reference import *  # NOQA
from reference import backend

_get_device = backend.get_device


def get_device(device_spec):
    if isinstance(device_spec, bool):
        raise TypeError(f'a device specifier cannot be a bool: {device_spec!r}')
    return _get_device(device_spec)


backend.get_device = get_device


def __getattr__(name):
    return getattr(reference, name)
