"""Minibatches loaded by a pool of threads, one batch ahead.

Chainer 7.8.1 ``chainer/iterators/multithread_iterator.py``.
"""
import functools
from multiprocessing import pool as pool_module
import operator

from reference.dataset import iterator
from reference.iterators import _position
from reference.iterators._statemachine import IteratorState, next_state


class MultithreadIterator(_position.Position, iterator.Iterator):
    """``SerialIterator``'s batches, with examples read by ``n_threads``
    threads.

    Each ``next()`` returns the batch loaded in the background and starts
    loading the following one; so by the time the k-th ``next()`` returns,
    the order sampler has been called for every epoch end up to batch k + 1
    (it runs here, in the caller's thread).  An error raised by the dataset
    reaches the ``next()`` that returns its batch, as the original exception,
    and that batch counts as taken.  ``finalize()`` stops the threads; the
    iterator can still be used afterwards, with new threads.
    """

    _pool = None

    def __init__(self, dataset, batch_size, repeat=True, shuffle=None,
                 n_threads=1, order_sampler=None):
        self.dataset = dataset
        self.batch_size = batch_size
        self._repeat = repeat
        self._shuffle = shuffle
        self.order_sampler = _position.pick_order_sampler(
            shuffle, order_sampler)
        self.n_threads = n_threads
        self.reset()

    def __next__(self):
        if self._next is None:  # nothing loading: first call, or dropped
            self._prefetch()
        state, loading = self._next
        self._next = None
        self._previous_epoch_detail = self.epoch_detail
        self._state = state
        if loading is None:
            raise StopIteration
        batch = loading.get()  # re-raises the dataset's exception
        self._prefetch()
        return batch

    next = __next__

    def _prefetch(self):
        """Start loading the batch after the current state."""
        state, indices = next_state(
            self._state, self.batch_size, self.repeat, self.order_sampler,
            len(self.dataset))
        loading = None
        if indices is not None:
            if self._pool is None:
                self._pool = pool_module.ThreadPool(self.n_threads)
            loading = self._pool.map_async(
                functools.partial(operator.getitem, self.dataset), indices)
        self._next = (state, loading)

    def reset(self):
        """Back to the start of epoch 0 with a fresh order; drops what was
        being loaded."""
        self._state = _position.first_state(
            self.order_sampler, len(self.dataset))
        self._previous_epoch_detail = -1.
        self._next = None

    def finalize(self):
        """Stop and join the threads (each finishes the example it reads)."""
        pool, self._pool = self._pool, None
        self._next = None
        if pool is not None:
            pool.terminate()
            pool.join()

    def serialize(self, serializer):
        """Keys ``current_position``, ``epoch``, ``is_new_epoch``, ``_order``
        and ``previous_epoch_detail``.

        Unlike the other iterators the order is always written, under
        ``_order``: ``None`` (index order) too.  There is no fallback for
        missing keys.  The batch being loaded is dropped and loaded again
        from the new state (so the order sampler may be called again).
        """
        current_position = serializer('current_position',
                                      self.current_position)
        epoch = serializer('epoch', self.epoch)
        is_new_epoch = serializer('is_new_epoch', self.is_new_epoch)
        # Loaded in place into the current order, or replaced when either
        # side is None.
        order = serializer('_order', self._state.order)
        self._state = IteratorState(
            current_position, epoch, is_new_epoch, order)
        previous = serializer('previous_epoch_detail',
                              self._previous_epoch_detail)
        # Older Chainer wrote None here.
        self._previous_epoch_detail = -1. if previous is None else previous
        self._next = None

    @property
    def repeat(self):
        return self._repeat
