"""Runner for the 'iterator' family: build the scenario's ``SerialIterator``
through ``ns``, call ``next()``, and return plain host data.

A trace is a list of ``IteratorStep`` records: the state before the first
``next()`` (``batch`` is ``None``), then one per call, whose ``batch`` is
the list of dataset items, ``'StopIteration'`` or ``'ValueError'`` (the
trace ends at a ``ValueError``).  Order sampler calls are logged as
``(step, current_order, current_position)``; step 0 is construction (or
``reset()``).
"""
import dataclasses
import typing

import numpy

from conformance.strategies.iterator import GlobalShuffle, SeededShuffle


class IteratorStep(typing.NamedTuple):
    batch: object
    epoch: int
    epoch_detail: float
    previous_epoch_detail: typing.Optional[float]
    is_new_epoch: bool
    current_position: int


@dataclasses.dataclass
class IteratorTrace:
    steps: list
    calls: list
    repeat: object = None   # the iterator's ``repeat`` property
    settings: dict = None   # parallel iterators: the worker attributes (runners/parallel_iterators.py)


def item(index):
    """The dataset's item at ``index``: not an integer, so that a batch of
    indices cannot pass for a batch of items."""
    return f'#{index}'


class SamplerLog:
    """Wraps a user's order sampler and logs its calls with the step."""

    def __init__(self, sampler):
        self.sampler = sampler
        self.step = 0
        self.calls = []

    def __call__(self, current_order, current_position):
        self.calls.append((self.step, [int(i) for i in current_order], int(current_position)))
        return self.sampler(current_order, current_position)


def build(ns, scenario):
    """``(iterator, log)``; ``log`` is ``None`` unless a user sampler is given."""
    dataset = [item(i) for i in range(scenario.n)]
    order, log, kwargs = scenario.order, None, {}
    if order is None:
        kwargs['shuffle'] = False
    elif isinstance(order, SeededShuffle):
        kwargs['order_sampler'] = ns.iterators.ShuffleOrderSampler(
            numpy.random.RandomState(order.seed))
    elif isinstance(order, GlobalShuffle):
        if order.shuffle is not None:
            kwargs['shuffle'] = order.shuffle
    else:
        log = kwargs['order_sampler'] = SamplerLog(order.sampler())
    iterator = ns.iterators.SerialIterator(dataset, scenario.batch_size,
                                           repeat=scenario.repeat, **kwargs)
    return iterator, log


def state(iterator, batch=None):
    previous = iterator.previous_epoch_detail
    return IteratorStep(batch, int(iterator.epoch), float(iterator.epoch_detail),
                None if previous is None else float(previous), bool(iterator.is_new_epoch),
                int(iterator.current_position))


def advance(iterator, log, steps, first=1):
    """``IteratorStep`` records of ``next()`` calls number ``first`` .. ``first +
    steps - 1``."""
    trace = []
    for step in range(first, first + steps):
        if log is not None:
            log.step = step
        try:
            batch = iterator.next()
        except StopIteration:
            batch = 'StopIteration'
        except ValueError:
            trace.append('ValueError')
            break
        else:
            batch = list(batch) if isinstance(batch, list) else f'{type(batch).__name__}: {batch!r}'
        trace.append(state(iterator, batch))
    return trace


def run(ns, scenario):
    """The initial state, then ``scenario.steps`` calls of ``next()``.  A
    ``GlobalShuffle`` scenario runs with NumPy's global random state seeded
    by the scenario (and restored afterwards)."""
    if not isinstance(scenario.order, GlobalShuffle):
        return _run(ns, scenario)
    saved = numpy.random.get_state()
    numpy.random.seed(scenario.order.seed)
    try:
        return _run(ns, scenario)
    finally:
        numpy.random.set_state(saved)


def _run(ns, scenario):
    iterator, log = build(ns, scenario)
    steps = [state(iterator)] + advance(iterator, log, scenario.steps)
    return IteratorTrace(steps, log.calls if log else [], iterator.repeat)


def run_for_loop(ns, scenario):
    """``(iter(iterator) is iterator, batches)``: the batches a ``for`` loop
    over the iterator gets, at most ``scenario.steps`` of them."""
    iterator, _ = build(ns, scenario)
    batches = []
    for batch in iterator:
        batches.append(list(batch))
        if len(batches) == scenario.steps:
            break
    return iter(iterator) is iterator, batches


def run_reset(ns, scenario, before):
    """``before`` calls of ``next()``, ``reset()``, then the scenario's run:
    the trace and sampler calls from the reset on."""
    iterator, log = build(ns, scenario)
    advance(iterator, log, before)
    if log is not None:
        log.step, log.calls = 0, []
    iterator.reset()
    steps = [state(iterator)] + advance(iterator, log, scenario.steps)
    return IteratorTrace(steps, log.calls if log else [])


def saved_state(ns, iterator):
    """What ``serialize`` writes, through ``DictionarySerializer``, as plain values."""
    serializer = ns.serializers.DictionarySerializer()
    serializer.save(iterator)
    return serializer.target


def plain(value):
    value = numpy.asarray(value)
    return value.tolist() if value.ndim else value.item()


@dataclasses.dataclass
class SaveLoad:
    saved: dict        # key -> plain value
    original: IteratorTrace    # the state at saving, then ``more`` calls
    loaded: IteratorTrace      # the state after loading into a fresh iterator, then ``more`` calls


def run_save_load(ns, scenario, before, more):
    """For a scenario with a user order sampler: ``before`` calls, save;
    load into a freshly built iterator; then ``more`` calls on each.
    Sampler calls are those after the save (the fresh iterator's
    construction call is dropped)."""
    iterator, log = build(ns, scenario)
    advance(iterator, log, before)
    target = saved_state(ns, iterator)
    saved = {key: plain(value) for key, value in target.items()}
    fresh, fresh_log = build(ns, scenario)
    ns.serializers.NpzDeserializer(target).load(fresh)
    log.calls, fresh_log.calls = [], []
    traces = []
    for it, it_log in ((iterator, log), (fresh, fresh_log)):
        steps = [state(it)] + advance(it, it_log, more, first=before + 1)
        traces.append(IteratorTrace(steps, it_log.calls))
    return SaveLoad(saved, *traces)


def run_legacy_load(ns, scenario, before, more):
    """As ``run_save_load``, but the saved state is first rewritten as an
    older Chainer wrote it (``order`` under ``_order``, no
    ``previous_epoch_detail``): ``(saved, trace)``, what the loaded
    iterator's ``serialize`` writes right after loading (as plain values),
    and its trace (its state after loading, then ``more`` calls, with its
    sampler calls after loading)."""
    iterator, log = build(ns, scenario)
    advance(iterator, log, before)
    target = saved_state(ns, iterator)
    if 'order' in target:
        target['_order'] = target.pop('order')
    del target['previous_epoch_detail']
    fresh, fresh_log = build(ns, scenario)
    ns.serializers.NpzDeserializer(target).load(fresh)
    saved = {key: plain(value) for key, value in saved_state(ns, fresh).items()}
    if fresh_log is not None:
        fresh_log.calls = []
    steps = [state(fresh)] + advance(fresh, fresh_log, more, first=before + 1)
    return saved, IteratorTrace(steps, fresh_log.calls if fresh_log else [])


class Emptied(typing.NamedTuple):
    """A ``next()`` that returned after the dataset was emptied: its batch
    and the state after it, but for ``epoch_detail`` (``0 / 0`` then)."""
    batch: object
    epoch: int
    previous_epoch_detail: float
    is_new_epoch: bool
    current_position: int


def run_emptied(ns, scenario):
    """``SerialIterator`` over a list of ``n`` items in index order with a
    NumPy integer ``batch_size``; ``scenario.steps`` calls of ``next()``,
    then the list is emptied and ``next()`` called once more: an
    ``Emptied``, or ``'Type: message'`` of what it raised.  (A NumPy
    integer position makes ``epoch_detail`` divide by zero without raising:
    ``inf`` or ``nan``, with a RuntimeWarning that is silenced here.)"""
    dataset = [item(i) for i in range(scenario.n)]
    iterator = ns.iterators.SerialIterator(dataset, numpy.int64(scenario.batch_size),
                                           repeat=scenario.repeat, shuffle=False)
    for _ in range(scenario.steps):
        iterator.next()
    dataset.clear()
    with numpy.errstate(divide='ignore', invalid='ignore'):
        try:
            batch = list(iterator.next())
        except Exception as error:
            return f'{type(error).__name__}: {error}'
        previous = iterator.previous_epoch_detail
    return Emptied(batch, int(iterator.epoch), None if previous is None else float(previous),
                   bool(iterator.is_new_epoch), int(iterator.current_position))


def value_error(ns, scenario):
    """The message of the ``ValueError`` that building the scenario's
    iterator and calling ``next()`` ``scenario.steps`` times raises, or
    ``None``."""
    try:
        iterator, _ = build(ns, scenario)
        for _ in range(scenario.steps):
            try:
                iterator.next()
            except StopIteration:
                pass
    except ValueError as error:
        return str(error)
    return None


def construction_error(ns, shuffle, sampler):
    """The exception ``SerialIterator(..., shuffle=shuffle,
    order_sampler=sampler)`` raises, or ``None``."""
    try:
        ns.iterators.SerialIterator([item(i) for i in range(3)], 2, shuffle=shuffle,
                                    order_sampler=sampler)
    except Exception as error:
        return error
    return None
