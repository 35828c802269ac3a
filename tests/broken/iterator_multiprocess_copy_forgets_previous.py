"""Broken: ``copy.copy`` of a MultiprocessIterator starts with no
``previous_epoch_detail`` (as a copy built from the constructor's
arguments and position alone would)."""
import reference
from reference import *  # NOQA
from reference.iterators import multiprocess_iterator

_copy = multiprocess_iterator.MultiprocessIterator.__copy__


def __copy__(self):
    other = _copy(self)
    other._previous_epoch_detail = -1.
    return other


multiprocess_iterator.MultiprocessIterator.__copy__ = __copy__


def __getattr__(name):
    return getattr(reference, name)
