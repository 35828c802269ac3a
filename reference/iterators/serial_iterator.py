"""Minibatches taken from a dataset in order (or in a sampled order).

Chainer 7.8.1 ``chainer/iterators/serial_iterator.py``; the walk itself is
``_statemachine.next_state``, the counters ``_position.Position``.
"""
from reference.dataset import iterator
from reference.iterators import _position
from reference.iterators._statemachine import IteratorState, next_state  # NOQA


class SerialIterator(_position.Position, iterator.Iterator):
    """Iterates over ``dataset`` in batches, optionally shuffled per epoch.

    ``shuffle=None`` with no ``order_sampler`` shuffles with
    ``ShuffleOrderSampler()``; ``shuffle=False`` keeps index order.
    """

    def __init__(self, dataset, batch_size,
                 repeat=True, shuffle=None, order_sampler=None):
        self.dataset = dataset
        self.batch_size = batch_size
        self._repeat = repeat
        self._shuffle = shuffle
        self.order_sampler = _position.pick_order_sampler(shuffle, order_sampler)
        self.reset()

    def __next__(self):
        self._previous_epoch_detail = self.epoch_detail
        self._state, indices = next_state(
            self._state, self.batch_size, self.repeat, self.order_sampler,
            len(self.dataset))
        if indices is None:
            raise StopIteration
        return [self.dataset[index] for index in indices]

    next = __next__

    def serialize(self, serializer):
        """Keys ``current_position``, ``epoch``, ``is_new_epoch``, ``order``
        (only when shuffled) and ``previous_epoch_detail``.

        The random state is not saved.  Snapshots of older Chainer versions
        are read through fallbacks: ``_order`` for ``order``, and a guessed
        ``previous_epoch_detail``.
        """
        current_position = serializer('current_position',
                                      self.current_position)
        epoch = serializer('epoch', self.epoch)
        is_new_epoch = serializer('is_new_epoch', self.is_new_epoch)
        order = self._state.order
        if order is not None:
            # Loaded in place into the existing array.
            try:
                serializer('order', order)
            except KeyError:
                serializer('_order', order)
        self._state = IteratorState(
            current_position, epoch, is_new_epoch, order)
        try:
            self._previous_epoch_detail = serializer(
                'previous_epoch_detail', self._previous_epoch_detail)
        except KeyError:
            self._previous_epoch_detail = self._guess_previous_epoch_detail()

    def reset(self):
        """Go back to the start of epoch 0, drawing a fresh order."""
        self._state = _position.first_state(self.order_sampler, len(self.dataset))
        self._previous_epoch_detail = -1.

    @property
    def repeat(self):
        return self._repeat
