"""Broken: ``ChainList.links`` yields the list itself only when asked to
skip it."""
import reference
from reference import *  # NOQA

ChainList = reference.ChainList


def _links(self, skipself=False):
    if skipself:
        yield self
    for child in self._children:
        yield from child.links()


ChainList.links = _links


def __getattr__(name):
    return getattr(reference, name)
