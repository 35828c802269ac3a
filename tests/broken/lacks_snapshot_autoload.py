"""Lacks one optional argument: ``snapshot(autoload=)`` (Chainer 6)."""
import reference
from reference import *  # NOQA
from reference.training import extensions

_snapshot = extensions.snapshot


def snapshot(savefun=None, filename='snapshot_iter_{.updater.iteration}', **kwargs):
    if 'autoload' in kwargs:
        raise TypeError("snapshot() got an unexpected keyword argument 'autoload'")
    return _snapshot(savefun, filename, **kwargs)


extensions.snapshot = snapshot


def __getattr__(name):
    return getattr(reference, name)
