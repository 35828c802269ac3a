"""Broken: ``'@cupy:<id>'`` is not recognised (the module name is compared
in the wrong case), so it is a malformed specifier (``ValueError``) instead
of GPU ``<id>`` (a ``RuntimeError`` without CUDA)."""
import reference
from reference import *  # NOQA
from reference import backend

_get_device = backend.get_device


def get_device(device_spec):
    if isinstance(device_spec, str) and device_spec.startswith('@cupy:'):
        raise ValueError(f'unknown device specifier {device_spec!r}')
    return _get_device(device_spec)


backend.get_device = get_device


def __getattr__(name):
    return getattr(reference, name)
