"""Broken: without repeat, MultiprocessIterator drops the last batch when
it is shorter than ``batch_size`` (as a ``drop_last`` loader would)."""
import reference
from reference import *  # NOQA
from reference.iterators import multiprocess_iterator

_step = multiprocess_iterator.MultiprocessIterator._step


def _short_batches_dropped(self, state):
    new, indices = _step(self, state)
    if indices is not None and len(indices) < self.batch_size and not self.repeat:
        return new, None
    return new, indices


multiprocess_iterator.MultiprocessIterator._step = _short_batches_dropped


def __getattr__(name):
    return getattr(reference, name)
