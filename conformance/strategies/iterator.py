"""Scenarios for the 'iterator' family: a ``SerialIterator`` over a tiny
dataset, how its order is chosen, and how many ``next()`` calls are made.

A scenario is plain frozen data.  The order samplers a user would write are
data too: each has a ``sampler()`` method that returns a fresh callable
``(current_order, current_position) -> new_order``, so that the runner (for
the implementation) and the model (in the test) each get their own.
"""
import dataclasses
import math
import typing

import numpy
from hypothesis import strategies as st


@dataclasses.dataclass(frozen=True)
class CustomOrder:
    """A deterministic user sampler: the current order permuted by
    ``permutation`` (its entries below the order's length), then rotated
    left by ``current_position + offset``; so each new order depends on
    both arguments."""
    permutation: tuple
    offset: int

    def __call__(self, current_order, current_position):
        pick = [p for p in self.permutation if p < len(current_order)]
        shift = int(current_position) + self.offset
        return numpy.roll(numpy.asarray(current_order)[pick], -shift)

    def sampler(self):
        return self


@dataclasses.dataclass(frozen=True)
class ShortFirstOrder:
    """``rule``, except that the first order (drawn from the whole
    dataset, ``dataset_size`` long) keeps only its first ``length``
    entries; later orders permute those."""
    rule: CustomOrder
    dataset_size: int
    length: int

    def __call__(self, current_order, current_position):
        order = self.rule(current_order, current_position)
        return order[:self.length] if len(current_order) == self.dataset_size else order

    def sampler(self):
        return self


@dataclasses.dataclass(frozen=True)
class WrongLengthAt:
    """``rule``, except that its call number ``call`` (0: the one at
    construction) returns an order ``length`` long."""
    rule: CustomOrder
    call: int
    length: int

    def sampler(self):
        calls = []

        def sample(current_order, current_position):
            calls.append(None)
            if len(calls) - 1 == self.call:
                return numpy.arange(self.length)
            return self.rule(current_order, current_position)
        return sample


@dataclasses.dataclass(frozen=True)
class SeededShuffle:
    """``order_sampler=ShuffleOrderSampler(numpy.random.RandomState(seed))``."""
    seed: int


@dataclasses.dataclass(frozen=True)
class GlobalShuffle:
    """``shuffle=True`` or ``shuffle=None`` (the default) without an order
    sampler, with NumPy's global random state seeded by ``seed``."""
    shuffle: typing.Optional[bool]
    seed: int


@dataclasses.dataclass(frozen=True)
class IteratorScenario:
    """``SerialIterator(dataset of n items, batch_size, repeat, ...)`` and
    ``steps`` calls of ``next()``.  ``order``: ``None`` for
    ``shuffle=False`` (index order), else one of the classes above."""
    n: int
    batch_size: int
    repeat: bool
    order: object
    steps: int


def exhausting_steps(n, batch_size):
    """``next()`` calls that exhaust a non-repeating iterator, plus two."""
    return math.ceil(n / batch_size) + 2


def custom_orders(n):
    return st.builds(CustomOrder, st.permutations(range(n)).map(tuple), st.integers(0, 3))


def short_first_orders(n):
    return st.builds(ShortFirstOrder, custom_orders(n), st.just(n), st.integers(1, n - 1))


def seeded_shuffles(n):
    return st.builds(SeededShuffle, st.integers(0, 2 ** 16))


def global_shuffles(n):
    return st.builds(GlobalShuffle, st.sampled_from((True, None)), st.integers(0, 2 ** 16))


def index_order(n):
    return st.none()


@st.composite
def scenarios(draw, orders=(index_order, custom_orders), min_n=1, steps=(1, 12),
              repeat=(True, False)):
    """Scenarios whose order comes from one of the ``orders`` strategies
    (functions of ``n``).  A non-repeating iterator is always run to its
    end and two calls past it."""
    n = draw(st.integers(min_n, 7))
    batch_size = draw(st.integers(1, 4))
    repeat = draw(st.sampled_from(repeat))
    order = draw(st.one_of(*(make(n) for make in orders)))
    count = draw(st.integers(*steps)) if repeat else exhausting_steps(n, batch_size)
    return IteratorScenario(n, batch_size, repeat, order, count)


@st.composite
def wrong_length_scenarios(draw):
    """A sampler whose boundary call number 1-3 (1 only without repeat)
    returns an order one longer or shorter, and enough calls to reach it."""
    n = draw(st.integers(1, 7))
    batch_size = draw(st.integers(1, 4))
    repeat = draw(st.booleans())
    call = draw(st.integers(1, 3)) if repeat else 1
    order = WrongLengthAt(draw(custom_orders(n)), call, draw(st.sampled_from((n - 1, n + 1))))
    return IteratorScenario(n, batch_size, repeat, order, math.ceil(call * n / batch_size) + 1)


@st.composite
def emptied_scenarios(draw):
    """Index order, and ``steps`` (at least 1) calls before the dataset is
    emptied; without repeat, calls that stay inside epoch 0 (so ``n`` is
    more than ``batch_size``)."""
    repeat = draw(st.booleans())
    batch_size = draw(st.integers(1, 4))
    n = draw(st.integers(batch_size + 1 if not repeat else 1, 7))
    steps = draw(st.integers(1, 4 if repeat else (n - 1) // batch_size))
    return IteratorScenario(n, batch_size, repeat, None, steps)


# ---------------------------------------------------------------- parallel iterators

PARALLEL_KINDS = ('MultithreadIterator', 'MultiprocessIterator')


@dataclasses.dataclass(frozen=True)
class ParallelOptions:
    """How many workers and batches ahead: ``n_threads`` or
    ``n_processes``, and ``n_prefetch`` (MultiprocessIterator only)."""
    workers: int
    n_prefetch: int = 1

    def kwargs(self, kind):
        if kind == 'MultithreadIterator':
            return {'n_threads': self.workers}
        return {'n_processes': self.workers, 'n_prefetch': self.n_prefetch}


def parallel_options():
    return st.builds(ParallelOptions, st.integers(1, 2), st.integers(1, 2))


def reader_kinds(kind, order):
    """The kinds that resume from a snapshot of ``kind`` in Chainer: any
    (SerialIterator too) from an order sampler's snapshot, but
    MultithreadIterator only from its own (it reads ``_order`` alone, which
    only it writes); an index-order snapshot by the same kind only."""
    if order is None:
        return (kind,)
    readers = ('SerialIterator', 'MultiprocessIterator')
    return readers + (('MultithreadIterator',) if kind == 'MultithreadIterator' else ())


@dataclasses.dataclass(frozen=True)
class FailingAt:
    """A dataset of ``n`` items whose ``__getitem__`` raises
    ``DatasetError(index)`` at ``bad`` (the runner's items elsewhere)."""
    n: int
    bad: int


@st.composite
def failing_scenarios(draw):
    """``(IteratorScenario in index order, bad index)``: enough calls to
    reach the batch holding the bad index."""
    n = draw(st.integers(1, 7))
    batch_size = draw(st.integers(1, 4))
    bad = draw(st.integers(0, n - 1))
    return IteratorScenario(n, batch_size, True, None, bad // batch_size + 1), bad
