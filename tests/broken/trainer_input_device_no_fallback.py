"""Broken: ``StandardUpdater``'s ``input_device`` does not fall back to
``device``, so the converter gets ``None`` when only ``device`` is given."""
import reference
from reference import *  # NOQA

_StandardUpdater = reference.training.updaters.StandardUpdater
_init = _StandardUpdater.__init__


def __init__(self, *args, input_device=None, **kwargs):
    _init(self, *args, input_device=input_device, **kwargs)
    if input_device is None:
        self._input_device = None


_StandardUpdater.__init__ = __init__


def __getattr__(name):
    return getattr(reference, name)
