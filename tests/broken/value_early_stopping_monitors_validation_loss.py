"""Broken: EarlyStoppingTrigger monitors ``validation/main/loss`` by
default (Chainer's default is ``main/loss``)."""
import reference
from reference import *  # NOQA

from reference.training.triggers import early_stopping_trigger as _module

_init = _module.EarlyStoppingTrigger.__init__


def __init__(self, check_trigger=(1, 'epoch'), monitor='validation/main/loss', **kwargs):
    _init(self, check_trigger, monitor, **kwargs)


_module.EarlyStoppingTrigger.__init__ = __init__


def __getattr__(name):
    return getattr(reference, name)
