"""Broken: deleting from a ``ChainList`` does not rename the children after
the deleted one, so their names no longer say their positions."""
import reference
from reference import *  # NOQA

ChainList = reference.ChainList


def _delitem(self, index):
    del self._children[index]


ChainList.__delitem__ = _delitem


def __getattr__(name):
    return getattr(reference, name)
