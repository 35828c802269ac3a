"""Broken: ``add_persistent`` replaces an attribute of the same name instead
of refusing it."""
import reference
from reference import *  # NOQA


def _add_persistent(self, name, value):
    self._persistent.add(name)
    self._params.discard(name)
    self.__dict__[name] = value


reference.Link.add_persistent = _add_persistent


def __getattr__(name):
    return getattr(reference, name)
