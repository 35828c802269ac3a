"""Broken: Summary.serialize skips lost statistics without a warning."""
import reference
from reference import *  # NOQA
from reference import reporter as _module


def serialize(self, serializer):
    try:
        self._x = serializer('_x', self._x)
        self._x2 = serializer('_x2', self._x2)
        self._n = serializer('_n', self._n)
    except KeyError:
        pass


_module.Summary.serialize = serialize


def __getattr__(name):
    return getattr(reference, name)
