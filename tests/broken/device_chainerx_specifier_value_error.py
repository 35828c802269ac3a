"""Broken: a device specifier string without '@' (a ChainerX one to Chainer)
is a ValueError of an unknown specifier, not Chainer's RuntimeError that
ChainerX is not available."""
import reference
from reference import *  # NOQA
from reference import backend as _module

_get_device = _module.get_device


def get_device(device_spec):
    if isinstance(device_spec, str) and not device_spec.startswith('@'):
        try:
            int(device_spec)
        except ValueError:
            raise ValueError(f'unknown device specifier {device_spec!r}') from None
    return _get_device(device_spec)


_module.get_device = get_device
get_device = get_device


def __getattr__(name):
    return getattr(reference, name)
