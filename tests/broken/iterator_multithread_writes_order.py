"""Broken: MultithreadIterator saves its order under ``order`` (as
SerialIterator does) instead of Chainer's ``_order``."""
import reference
from reference import *  # NOQA
from reference.iterators import multithread_iterator


def serialize(self, serializer):
    current_position = serializer('current_position', self.current_position)
    epoch = serializer('epoch', self.epoch)
    is_new_epoch = serializer('is_new_epoch', self.is_new_epoch)
    order = serializer('order', self._state.order)
    self._state = multithread_iterator.IteratorState(
        current_position, epoch, is_new_epoch, order)
    previous = serializer('previous_epoch_detail', self._previous_epoch_detail)
    self._previous_epoch_detail = -1. if previous is None else previous
    self._next = None


multithread_iterator.MultithreadIterator.serialize = serialize


def __getattr__(name):
    return getattr(reference, name)
