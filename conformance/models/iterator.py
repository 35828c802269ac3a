"""How ``SerialIterator`` walks a dataset, alone and under a
``StandardUpdater`` (SEMANTICS D4-D7).

The model sees the iterator as a stream: the orders of epochs 0, 1, 2, ...
laid end to end, ``next()`` taking the next ``batch_size`` entries (without
``repeat``: at most to the end of epoch 0).  Epoch ``e + 1``'s order is
drawn, by ``order_sampler(order of epoch e, position)``, by the call whose
batch reaches the end of epoch ``e``; ``position`` is where that batch
starts inside epoch ``e`` (0 when it started in an earlier epoch).  The
counters are Chainer's floating-point ones: ``epoch_detail`` is ``epoch +
current_position / len(order)``.

The states are the runner's records (``runners.iterator.IteratorStep``),
so that a model's trace and an implementation's compare as they are.
"""
import typing

import numpy

from conformance.runners.iterator import IteratorStep, item


class Prediction(typing.NamedTuple):
    steps: list     # IteratorStep records, as runners.iterator.IteratorTrace.steps
    calls: list     # (step, current_order, current_position) per sampler call
    order: list     # the order in force after the last call (None after a ValueError)


def predict(n, batch_size, repeat, steps, sampler=None, item=item):
    """What ``steps`` calls of ``next()`` give, for an iterator over ``n``
    items in index order (``sampler`` is ``None``) or with
    ``order_sampler=sampler``; ``item`` turns an index into the dataset's
    entry (the runner's dataset by default)."""
    calls = []

    def draw(step, order, position):
        calls.append((step, [int(i) for i in order], position))
        return numpy.asarray(sampler(order, position))
    orders = [draw(0, numpy.arange(n), 0) if sampler else numpy.arange(n)]
    size = len(orders[0])
    consumed = 0          # stream entries taken so far
    trace = [IteratorStep(None, 0, 0.0, None, False, 0)]
    for step in range(1, steps + 1):
        epoch, position = divmod(consumed, size)
        detail = epoch + position / size
        if not repeat and epoch > 0:
            # Chainer records epoch_detail as previous even for this call.
            trace.append(IteratorStep('StopIteration', epoch, detail, detail, True, position))
            continue
        end = consumed + batch_size if repeat else min(consumed + batch_size, size)
        for ending in range(epoch, end // size):
            if sampler is None:
                orders.append(orders[-1])
                continue
            order = draw(step, orders[ending], max(consumed - ending * size, 0))
            if len(order) != size:
                return Prediction(trace + ['ValueError'], calls, None)
            orders.append(order)
        batch = [item(orders[t // size][t % size]) for t in range(consumed, end)]
        consumed = end
        trace.append(IteratorStep(batch, end // size, end // size + end % size / size, detail,
                                  end // size > epoch, end % size))
    return Prediction(trace, calls, [int(i) for i in orders[-1]])


def shuffle_model(seed):
    """``ShuffleOrderSampler`` over ``RandomState(seed)``: a permutation of
    the order's length per call."""
    random = numpy.random.RandomState(seed)
    return lambda order, position: random.permutation(len(order))


def updater_states(n, batch_size, updates, repeat=True):
    """``(iteration, epoch, epoch_detail, previous_epoch_detail,
    is_new_epoch, optimizer.epoch, batch)`` before the first update and
    after each update of a ``StandardUpdater`` over a ``SerialIterator`` in
    index order: the iterator's states (``predict``), the batches as
    indices; the optimizer's epoch counts the updates whose batch reached or
    crossed the end of an epoch."""
    states, optimizer_epoch = [], 0
    for iteration, step in enumerate(predict(n, batch_size, repeat, updates, item=int).steps):
        optimizer_epoch += step.is_new_epoch
        states.append((iteration, step.epoch, step.epoch_detail, step.previous_epoch_detail,
                       step.is_new_epoch, optimizer_epoch, step.batch))
    return states
