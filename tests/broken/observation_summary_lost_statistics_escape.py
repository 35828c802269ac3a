"""Broken: Summary.serialize lets the KeyError of lost statistics escape, so
LogReport warns its own 'The statistics are not saved.' once instead of
one warning per key."""
import reference
from reference import *  # NOQA
from reference import reporter as _module


def serialize(self, serializer):
    self._x = serializer('_x', self._x)
    self._x2 = serializer('_x2', self._x2)
    self._n = serializer('_n', self._n)


_module.Summary.serialize = serialize


def __getattr__(name):
    return getattr(reference, name)
