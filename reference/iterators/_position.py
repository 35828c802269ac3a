"""What the parallel iterators share with ``SerialIterator``.

Chainer 7.8.1 repeats the same code in ``serial_iterator.py``,
``multithread_iterator.py`` and ``multiprocess_iterator.py``: the choice of
order sampler, the first order, the position counters and the guess of
``previous_epoch_detail`` for snapshots that lack it.  Here it is written once
for all three; the batches come from ``_statemachine.next_state``, so all
three walk the dataset identically.
"""
import numpy

from reference.iterators.order_samplers import ShuffleOrderSampler
from reference.iterators._statemachine import IteratorState


def pick_order_sampler(shuffle, order_sampler):
    """The sampler an iterator uses: ``None`` means index order.

    ``shuffle=None`` and no sampler shuffle; ``shuffle`` and a sampler together
    are refused (with SerialIterator's message).
    """
    if shuffle is not None:
        if order_sampler is not None:
            raise ValueError('`shuffle` is not `None` and a custom '
                             '`order_sampler` is set. Please set '
                             '`shuffle` to `None` to use the custom '
                             'order sampler.')
        return ShuffleOrderSampler() if shuffle else None
    return ShuffleOrderSampler() if order_sampler is None else order_sampler


def first_state(order_sampler, dataset_len):
    """Start of epoch 0; the sampler draws the first order from
    ``(arange(dataset_len), 0)``."""
    order = None
    if order_sampler is not None:
        order = order_sampler(numpy.arange(dataset_len), 0)
    return IteratorState(0, 0, False, order)


class Position:
    """The counters of an iterator whose state is ``self._state``.

    ``self._previous_epoch_detail`` is ``-1.`` before the first batch (and is
    serialized so, because some serializers cannot store ``None``).
    """

    @property
    def current_position(self):
        return self._state.current_position

    @property
    def epoch(self):
        return self._state.epoch

    @property
    def is_new_epoch(self):
        return self._state.is_new_epoch

    @property
    def epoch_detail(self):
        return self.epoch + self.current_position / self._epoch_size

    @property
    def previous_epoch_detail(self):
        """``epoch_detail`` before the last ``next()``; ``None`` before any."""
        if self._previous_epoch_detail < 0:
            return None
        return self._previous_epoch_detail

    @property
    def _epoch_size(self):
        order = self._state.order
        return len(self.dataset) if order is None else len(order)

    def _guess_previous_epoch_detail(self):
        """For snapshots without the key (older Chainer): one batch back,
        clipped at 0, or "none yet" at the very start."""
        if self.epoch_detail <= 0:
            return -1.
        guess = self.epoch + (
            self.current_position - self.batch_size) / self._epoch_size
        return max(guess, 0.)
