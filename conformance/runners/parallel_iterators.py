"""Runner for the parallel iterators of the 'iterator' family:
``MultithreadIterator`` and ``MultiprocessIterator`` built through ``ns``
over the scenarios of ``strategies/iterator.py``, traced as
``runners.iterator`` traces ``SerialIterator``.

Every iterator built here is finalized before the runner returns, and
``workers()`` tells the threads and child processes alive, so that a
property can check that none is left behind.  ``hang_guard`` turns a
``next()`` that never returns into a ``TimeoutError``.
"""
import contextlib
import copy
import functools
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time

import numpy

from conformance import devices
from conformance.runners import training
from conformance.runners.iterator import IteratorTrace, advance, item, plain, state
from conformance.strategies.iterator import GlobalShuffle, SeededShuffle


def order_kwargs(ns, order):
    if order is None:
        return {'shuffle': False}
    if isinstance(order, GlobalShuffle):
        return {} if order.shuffle is None else {'shuffle': order.shuffle}
    if isinstance(order, SeededShuffle):
        return {'order_sampler': ns.iterators.ShuffleOrderSampler(
            numpy.random.RandomState(order.seed))}
    return {'order_sampler': order.sampler()}


def build(ns, kind, scenario, options, dataset=None):
    """``kind`` (a class name in ``ns.iterators``) over the runner's items."""
    if dataset is None:
        dataset = [item(i) for i in range(scenario.n)]
    extra = {} if kind == 'SerialIterator' else options.kwargs(kind)
    return getattr(ns.iterators, kind)(dataset, scenario.batch_size, repeat=scenario.repeat,
                                       **order_kwargs(ns, scenario.order), **extra)


def finalize(iterator):
    if iterator is not None and hasattr(iterator, 'finalize'):
        iterator.finalize()


@contextlib.contextmanager
def hang_guard(seconds, raised=None, grace=None):
    """Raise ``TimeoutError`` in the block after ``seconds`` (main thread
    only: SIGALRM; elsewhere the block runs unguarded).

    With ``raised`` (a ``Failing`` dataset) also ``grace`` seconds after the
    dataset raised: the long guard covers starting a worker pool on a loaded
    machine, and need not be waited out once the error exists and only its
    delivery is awaited.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    deadline = time.monotonic() + seconds

    def hung(signum, frame):
        now = time.monotonic()
        if raised is None or now >= deadline:
            raise TimeoutError(f'no answer within {seconds} s: the iterator hangs')
        if raised.raised_before(now - grace):
            raise TimeoutError(f'no answer within {grace} s of the dataset raising: '
                               'the iterator hangs')
    previous = signal.signal(signal.SIGALRM, hung)
    poll = seconds if raised is None else min(seconds, 0.1)
    signal.setitimer(signal.ITIMER_REAL, poll, poll)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def guarded(runner, seconds=30):
    """``runner`` under ``hang_guard``: a pool that never answers (a worker
    lost or deadlocked) fails the example instead of hanging the suite."""
    @functools.wraps(runner)
    def run_guarded(*args, **kwargs):
        with hang_guard(seconds):
            return runner(*args, **kwargs)
    return run_guarded


@guarded
def run(ns, kind, scenario, options):
    """The initial state, then ``scenario.steps`` calls of ``next()``; the
    trace's ``settings`` are the attributes named by the worker arguments
    (``n_threads``, or ``n_processes`` and ``n_prefetch``) after the calls."""
    iterator = build(ns, kind, scenario, options)
    try:
        steps = [state(iterator)] + advance(iterator, None, scenario.steps)
        return IteratorTrace(steps, [], settings={
            name: getattr(iterator, name, 'missing') for name in options.kwargs(kind)})
    finally:
        finalize(iterator)


@guarded
def run_save_load(ns, kind, reader, scenario, options, before, previous_none=False):
    """``before`` calls, save (``DictionarySerializer``); load into a fresh
    ``reader``; then the rest of the scenario's calls on it.  Returns the
    saved keys and values (plain) and the loaded iterator's trace (its state
    after loading, then the calls).  ``previous_none``: the snapshot holds
    ``previous_epoch_detail = None`` when loaded, as older Chainer wrote it."""
    iterator = build(ns, kind, scenario, options)
    fresh = None
    try:
        advance(iterator, None, before)
        serializer = ns.serializers.DictionarySerializer()
        serializer.save(iterator)
        saved = {key: plain(value) for key, value in serializer.target.items()
                 if numpy.asarray(value).dtype != object}
        keys = sorted(serializer.target)
        finalize(iterator)
        if previous_none:
            serializer.target['previous_epoch_detail'] = numpy.asarray(None)
        fresh = build(ns, reader, scenario, options)
        ns.serializers.NpzDeserializer(serializer.target).load(fresh)
        steps = [state(fresh)] + advance(fresh, None, scenario.steps - before, first=before + 1)
        return keys, saved, IteratorTrace(steps, [])
    finally:
        finalize(iterator)
        finalize(fresh)


@guarded
def run_copy(ns, kind, scenario, options, before):
    """``before`` calls, then ``copy.copy`` of the iterator (Chainer keeps
    ``MultiprocessIterator.__copy__`` for old code); the original is
    finalized and the copy makes the rest of the scenario's calls.  Returns
    the copy's trace (its state when made, then the calls; ``settings`` as
    ``run`` gives them, of the copy)."""
    iterator = build(ns, kind, scenario, options)
    other = None
    try:
        advance(iterator, None, before)
        other = copy.copy(iterator)
        finalize(iterator)
        steps = [state(other)] + advance(other, None, scenario.steps - before, first=before + 1)
        return IteratorTrace(steps, [], settings={
            name: getattr(other, name, 'missing') for name in options.kwargs(kind)})
    finally:
        finalize(iterator)
        finalize(other)


@guarded
def run_training(ns, kind, scenario, order, options, out_dir):
    """Train ``scenario`` (a ``TrainingScenario``, by ``runners/training.py``)
    with a ``kind`` iterator (SerialIterator too) in ``order``; a
    ``GlobalShuffle`` order runs with NumPy's global random state seeded by
    it (and restored afterwards).

    Returns ``(events, trajectory, final)``: the trainer's events; after each
    iteration, the iterator's state (``IteratorStep``) and the parameters
    (path -> host array); after ``run()`` returned (and finalized the
    iterator), the iterator's state, the updater's iteration and the
    optimizer's serialized state (``t``, ``epoch``, each rule's state)."""
    def make_iterator(ns, dataset, scenario):
        extra = {} if kind == 'SerialIterator' else options.kwargs(kind)
        return getattr(ns.iterators, kind)(dataset, scenario.batch_size,
                                           **order_kwargs(ns, order), **extra)

    trajectory = []

    def recorder(optimizer):
        def record_trajectory(trainer):
            trajectory.append((
                state(trainer.updater.get_iterator('main')),
                {path: devices.to_host(param.array)
                 for path, param in training.named_params(optimizer.target)}))
        return record_trajectory

    saved = numpy.random.get_state()
    if isinstance(order, GlobalShuffle):
        numpy.random.seed(order.seed)
    rig = None
    try:
        rig = training.build_trainer(ns, scenario, training.fresh_dir(out_dir), scenario.stop,
                                     extensions=(recorder,), make_iterator=make_iterator)
        rig.trainer.run()
        iterator = rig.trainer.updater.get_iterator('main')
        final = (state(iterator), rig.trainer.updater.iteration,
                 training.serialized(ns, rig.optimizer))
        return list(rig.events), trajectory, final
    finally:
        numpy.random.set_state(saved)
        if rig is not None:
            finalize(rig.trainer.updater.get_iterator('main'))


class DatasetError(Exception):
    """What the failing dataset raises."""


class Failing:
    """A dataset whose item ``bad`` raises ``DatasetError``; the first raise,
    in whichever thread or process, creates the file ``marker``."""

    def __init__(self, n, bad, marker):
        self.n, self.bad, self.marker = n, bad, marker
        self._seen = None

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        if index == self.bad:
            with open(self.marker, 'a'):
                pass
            raise DatasetError(int(index))
        return item(index)

    def raised_before(self, moment):
        """Whether the dataset raised before ``moment`` (``time.monotonic``);
        the first call that sees the marker starts the clock."""
        if self._seen is None:
            if not os.path.exists(self.marker):
                return False
            self._seen = time.monotonic()
        return self._seen < moment


def workers():
    """The threads and child processes alive now."""
    return set(threading.enumerate()) | set(multiprocessing.active_children())


def left_behind(before, wait=2.0):
    """Workers started since ``before`` still alive after up to ``wait``
    seconds (one winding down may take a moment to end)."""
    deadline = time.monotonic() + wait
    while True:
        left = workers() - before
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.01)


#: Seconds from the dataset's raise to the ``next()`` that reports it.
DELIVERY_GRACE = 3.0


def run_failing(ns, kind, scenario, options, bad, timeout=2.0):
    """Iterate a dataset that raises at index ``bad`` until the batch that
    holds it: ``(outcomes, left)``, the outcome of each ``next()`` (the
    batch, or ``'Type: args'`` of what it raised) and the workers started
    by the run still alive after ``finalize()``."""
    before = workers()
    outcomes, iterator = [], None
    directory = tempfile.mkdtemp(prefix='conformance-raised-')
    dataset = Failing(scenario.n, bad, os.path.join(directory, 'raised'))
    try:
        with hang_guard(timeout, dataset, DELIVERY_GRACE):
            iterator = build(ns, kind, scenario, options, dataset)
            for _ in range(scenario.steps):
                try:
                    outcomes.append(list(iterator.next()))
                except Exception as error:  # compared with the expected error
                    outcomes.append(f'{type(error).__name__}: {error.args!r}')
                    break
    except TimeoutError as error:
        outcomes.append(f'TimeoutError: {error}')
    finally:
        try:
            with hang_guard(timeout):
                finalize(iterator)
        except TimeoutError:
            outcomes.append('TimeoutError: finalize() hangs')
        shutil.rmtree(directory, ignore_errors=True)
    left = left_behind(before)
    for worker in left:     # never leave what this run started to later tests
        if isinstance(worker, multiprocessing.Process):
            worker.terminate()
            worker.join(1)
    return outcomes, {type(w).__name__ for w in left}
