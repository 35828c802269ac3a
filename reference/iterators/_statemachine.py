"""The walk over a dataset that every iterator shares: one batch at a time,
epoch by epoch, in index order or in the order an order sampler draws.

Chainer 7.8.1 ``chainer/iterators/_statemachine.py``.
"""
import collections

import numpy

IteratorState = collections.namedtuple(
    'IteratorState', ('current_position', 'epoch', 'is_new_epoch', 'order'))


def _positions(order, start, stop):
    """Dataset indices at epoch positions ``[start, stop)``."""
    if order is None:
        return numpy.arange(start, stop, dtype=numpy.intp)
    return order[start:stop]


def next_state(state, batch_size, repeat, order_sampler, dataset_len):
    """Advance by one batch; return ``(new_state, indices)``.

    ``indices`` is ``None`` when a non-repeating iterator is exhausted.  A
    batch that reaches or crosses the end of an epoch takes the rest of the
    epoch, draws the next order, increments ``epoch`` and sets
    ``is_new_epoch``; when repeating it continues into the next epoch, so
    every batch has ``batch_size`` examples.
    """
    position, epoch, _, order = state
    if not repeat and epoch > 0:
        return state, None

    epoch_size = dataset_len if order is None else len(order)
    if repeat and epoch_size == 0:
        raise ValueError('Epoch size must be positive for an iterator '
                         'that repeats.')

    pieces = []
    end = position + batch_size
    is_new_epoch = False
    while end >= epoch_size:
        pieces.append(_positions(order, position, epoch_size))
        if order is not None:
            new_order = order_sampler(order, position)
            if len(new_order) != len(order):
                raise ValueError('The size of order does not match '
                                 'the size of the previous order.')
            order = new_order
        epoch += 1
        is_new_epoch = True
        position = 0
        if not repeat:
            end = 0
            break
        end -= epoch_size
    pieces.append(_positions(order, position, end))

    state = IteratorState(end, epoch, is_new_epoch, order)
    return state, numpy.concatenate(pieces)
