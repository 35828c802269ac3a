"""Broken: ``ChainList.insert`` names the inserted link by its index but
does not rename the children it moved."""
import reference
from reference import *  # NOQA

ChainList = reference.ChainList


def _insert(self, index, link):
    self._children.insert(index, link)
    link.name = str(index)


ChainList.insert = _insert


def __getattr__(name):
    return getattr(reference, name)
