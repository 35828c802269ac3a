"""Broken: MultithreadIterator shuffles once.  With ``shuffle=True`` (or the
default) and no order sampler, every epoch repeats the first epoch's
permutation instead of drawing a new one (as a loader that permutes its
indices at construction would)."""
import reference
from reference import *  # NOQA
from reference.iterators import multithread_iterator

_init = multithread_iterator.MultithreadIterator.__init__


def _shuffled_once(self, dataset, batch_size, repeat=True, shuffle=None, n_threads=1,
                   order_sampler=None):
    _init(self, dataset, batch_size, repeat, shuffle, n_threads, order_sampler)
    if order_sampler is None and shuffle is not False:
        # the first order is drawn; later epochs keep it
        self.order_sampler = lambda current_order, current_position: current_order


multithread_iterator.MultithreadIterator.__init__ = _shuffled_once


def __getattr__(name):
    return getattr(reference, name)
