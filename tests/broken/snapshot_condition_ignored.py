"""Broken: snapshot writes a file whenever its trigger fires, ignoring
condition()."""
import reference
from reference import *  # NOQA

from reference.training.extensions import _snapshot

_init = _snapshot._Snapshot.__init__


def __init__(self, *args, condition=None, **kwargs):
    _init(self, *args, **kwargs)


_snapshot._Snapshot.__init__ = __init__

def __getattr__(name):
    return getattr(reference, name)
