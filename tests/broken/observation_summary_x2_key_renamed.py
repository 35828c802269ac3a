"""Broken: a ``Summary`` saves its sum of squares under ``_X2``, not
Chainer's ``_x2`` (a snapshot's key names differ)."""
import warnings

import reference
from reference import *  # NOQA


def serialize(self, serializer):
    try:
        self._x = serializer('_x', self._x)
        self._x2 = serializer('_X2', self._x2)
        self._n = serializer('_n', self._n)
    except KeyError:
        warnings.warn('The previous statistics are not saved.')


reference.reporter.Summary.serialize = serialize


def __getattr__(name):
    return getattr(reference, name)
