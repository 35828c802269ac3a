"""Broken: ``previous_epoch_detail`` is one batch late (the
``epoch_detail`` of two calls ago)."""
import reference
from reference import *  # NOQA

SerialIterator = reference.iterators.SerialIterator
_next = SerialIterator.__next__


def __next__(self):
    lagging = self._previous_epoch_detail
    batch = _next(self)
    self._previous_epoch_detail = lagging
    return batch


SerialIterator.__next__ = SerialIterator.next = __next__


def __getattr__(name):
    return getattr(reference, name)
