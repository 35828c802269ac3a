"""Lacks one optional feature: Chainer 6's device specifiers. No ``get_device``,
and ``StandardUpdater(device=)`` takes an integer GPU id only, comparing
``device >= 0`` as Chainer 5 does (a string raises ``TypeError``)."""
import reference
from reference import *  # NOQA
from reference.training import updaters as updaters_module
from reference.training.updaters import standard_updater as standard_updater_module

del get_device  # NOQA  (the star import brought it)

_init = standard_updater_module.StandardUpdater.__init__


def __init__(self, iterator, optimizer, *args, device=None, **kwargs):
    if device is not None and device >= 0:
        raise RuntimeError('a GPU id needs CUDA')
    _init(self, iterator, optimizer, *args, **kwargs)


standard_updater_module.StandardUpdater.__init__ = __init__
assert updaters_module.StandardUpdater is standard_updater_module.StandardUpdater


def __getattr__(name):
    if name == 'get_device':
        raise AttributeError(name)
    return getattr(reference, name)
