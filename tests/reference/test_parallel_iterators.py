"""MultithreadIterator and MultiprocessIterator of the reference.

Given the same order (a deterministic order sampler) both give exactly
SerialIterator's batches and counters, before and after a save and load;
their snapshots hold exactly Chainer's keys; an error in the dataset reaches
the caller; no thread or process outlives ``finalize()`` or garbage
collection.  Where Chainer 7.8.1 imports, its own iterators are run on the
same scenarios.
"""
import copy
import gc
import inspect
import io
import multiprocessing
import os
import signal
import sys
import threading
import time
import warnings
import weakref

import numpy
import pytest

from reference import iterators
from reference.serializers import (
    DictionarySerializer, NpzDeserializer, load_npz, save_npz)


# -- scenarios ---------------------------------------------------------------

def rotate(order, position):
    """Deterministic order sampler: the next order is this one rotated."""
    return numpy.roll(order, 1)


class Recording:
    """``rotate`` that counts its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self, order, position):
        self.calls += 1
        return rotate(order, position)


ORDERS = {
    'index': lambda: {'shuffle': False},
    'rotate': lambda: {'order_sampler': rotate},
    # Stateful, but the parallel iterators draw in the same sequence.
    'seeded': lambda: {'order_sampler': iterators.ShuffleOrderSampler(
        numpy.random.RandomState(0))},
}


def examples(n):
    """A dataset whose examples hold arrays (they cross process bounds)."""
    return [(numpy.arange(3, dtype=numpy.float32) + i, numpy.int32(i))
            for i in range(n)]


def plain(batch):
    return [(x.dtype.str, x.tolist(), y.dtype.str, int(y)) for x, y in batch]


def trace(it, steps):
    """Each step's batch (or 'stop') and the counters after it."""
    out = []
    for _ in range(steps):
        try:
            batch = plain(next(it))
        except StopIteration:
            batch = 'stop'
        out.append((batch, it.epoch, it.current_position, it.is_new_epoch,
                    it.epoch_detail, it.previous_epoch_detail))
    return out


def serial(dataset, batch_size, **kwargs):
    return iterators.SerialIterator(dataset, batch_size, **kwargs)


KINDS = {
    'thread': lambda *a, **k: iterators.MultithreadIterator(
        *a, n_threads=2, **k),
    'process': lambda *a, **k: iterators.MultiprocessIterator(
        *a, n_processes=2, **k),
    # Every batch from the workers, three batches ahead.
    'process-shm': lambda *a, **k: iterators.MultiprocessIterator(
        *a, n_processes=2, shared_mem=1024, n_prefetch=3, **k),
}


def workers():
    """The threads and child processes alive now."""
    return set(threading.enumerate()) | set(multiprocessing.active_children())


def started_since(before):
    """Threads and processes started since ``before`` and still alive
    (compared as sets: one that was already winding down may end)."""
    return workers() - before


@pytest.fixture(autouse=True)
def watchdog():
    """A hang fails the test instead of the run."""
    def hung(signum, frame):
        raise TimeoutError('the test hung')
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture(params=sorted(KINDS))
def make(request):
    """Builds iterators of one kind; at the end each still alive is
    finalized and no thread or process may be left over."""
    before = workers()
    made = []

    def factory(*args, **kwargs):
        it = KINDS[request.param](*args, **kwargs)
        made.append(weakref.ref(it))
        return it

    factory.kind = request.param
    yield factory
    for ref in made:
        if ref() is not None:
            ref().finalize()
    assert not started_since(before)


# -- same batches and counters as SerialIterator -----------------------------

CASES = [
    # dataset size, batch size, repeat, order
    (10, 3, True, 'index'),
    (10, 3, False, 'index'),
    (7, 7, True, 'rotate'),
    (5, 8, True, 'rotate'),  # a batch spans more than one epoch
    (6, 2, False, 'rotate'),
    (9, 4, True, 'seeded'),
    (1, 1, True, 'index'),
]


@pytest.mark.parametrize('n,batch_size,repeat,order', CASES)
def test_batches_and_counters_equal_serial(make, n, batch_size, repeat,
                                           order):
    steps = 3 * -(-n // batch_size) + 2
    expected = trace(serial(examples(n), batch_size, repeat=repeat,
                            **ORDERS[order]()), steps)
    it = make(examples(n), batch_size, repeat=repeat, **ORDERS[order]())
    assert it.previous_epoch_detail is None
    assert trace(it, steps) == expected


class Where:
    """A dataset whose examples say which process and thread read them
    (module level: the process workers are sent it by pickle)."""

    def __len__(self):
        return 8

    def __getitem__(self, index):
        return os.getpid(), threading.get_ident()


def test_examples_are_read_by_real_workers(make):
    """Threads other than the caller's, processes other than this one;
    the first batch without shared_mem is read here, as Chainer does."""
    it = make(Where(), 2, shuffle=False)
    batches = [next(it) for _ in range(4)]
    pids = [{pid for pid, _ in batch} for batch in batches]
    if make.kind == 'thread':
        assert set.union(*pids) == {os.getpid()}
        idents = {ident for batch in batches for _, ident in batch}
        assert threading.get_ident() not in idents
    else:
        here = {os.getpid()} if make.kind == 'process' else set()
        assert pids[0] & {os.getpid()} == here
        assert os.getpid() not in set.union(*pids[1:])


def test_maxtasksperchild_is_handed_to_the_pool():
    """Worker replacement itself is multiprocessing.Pool's: it is not run
    here, because CPython's Pool can lose a task while it replaces a worker
    (an occasional hang, Chainer's too; CPython issue 82980 and kin)."""
    it = iterators.MultiprocessIterator(examples(6), 2, shuffle=False, n_processes=2,
                                        maxtasksperchild=1)
    assert it._maxtasksperchild == 1
    it.finalize()


# -- snapshots ---------------------------------------------------------------

BASE_KEYS = {'current_position', 'epoch', 'is_new_epoch',
             'previous_epoch_detail'}


def save(it):
    target = {}
    DictionarySerializer(target).save(it)
    return target


def expected_keys(kind, shuffled):
    if kind == 'thread':
        return BASE_KEYS | {'_order'}  # written even for index order
    return BASE_KEYS | ({'order'} if shuffled else set())


@pytest.mark.parametrize('order', ['index', 'rotate'])
@pytest.mark.parametrize('n,batch_size,repeat,steps', [
    (10, 3, True, 0), (10, 3, True, 1), (10, 3, True, 4), (10, 3, True, 9),
    (5, 8, True, 2), (6, 2, False, 3), (6, 2, False, 2)])
def test_save_and_load_resume_exactly(make, order, n, batch_size, repeat,
                                      steps):
    kwargs = dict(repeat=repeat, **ORDERS[order]())
    ref = serial(examples(n), batch_size, **kwargs)
    trace(ref, steps)
    expected = trace(ref, 6)

    it = make(examples(n), batch_size, **kwargs)
    trace(it, steps)
    target = save(it)
    assert set(target) == expected_keys(make.kind, order != 'index')
    if make.kind == 'thread' and order == 'index':
        assert target['_order'][()] is None
    resumed = make(examples(n), batch_size, **kwargs)
    NpzDeserializer(target).load(resumed)
    assert trace(resumed, 6) == expected
    assert trace(it, 6) == expected  # saving drops the prefetch harmlessly


def test_npz_file_round_trip(make):
    it = make(examples(7), 3, order_sampler=rotate)
    trace(it, 4)
    f = io.BytesIO()
    save_npz(f, it)
    resumed = make(examples(7), 3, order_sampler=rotate)
    load_npz(io.BytesIO(f.getvalue()), resumed)
    assert trace(resumed, 5) == trace(it, 5)


def test_multithread_writes_index_order_as_none():
    it = iterators.MultithreadIterator(examples(4), 3, shuffle=False)
    next(it)
    f = io.BytesIO()
    save_npz(f, it)
    resumed = iterators.MultithreadIterator(examples(4), 3, shuffle=False)
    load_npz(io.BytesIO(f.getvalue()), resumed)
    assert resumed._state.order is None
    assert trace(resumed, 3) == trace(it, 3)
    it.finalize()
    resumed.finalize()


def with_options(cls, **fixed):
    return lambda *a, **k: cls(*a, **fixed, **k)


def snapshot_of(cls, steps, **kwargs):
    it = cls(examples(7), 3, order_sampler=rotate, **kwargs)
    trace(it, steps)
    target = save(it)
    it.finalize()
    return target


def test_snapshots_across_iterator_kinds():
    """Serial and MultiprocessIterator share the key ``order``; the
    latter also reads MultithreadIterator's ``_order`` (and Serial does);
    MultithreadIterator reads only ``_order``."""
    expected = trace(serial(examples(7), 3, order_sampler=rotate), 9)[4:]
    sources = {
        'serial': snapshot_of(iterators.SerialIterator, 4),
        'thread': snapshot_of(iterators.MultithreadIterator, 4),
        'process': snapshot_of(iterators.MultiprocessIterator, 4,
                               n_processes=2),
    }
    readers = {
        'serial': iterators.SerialIterator,
        'thread': iterators.MultithreadIterator,
        'process': with_options(iterators.MultiprocessIterator,
                                n_processes=2),
    }
    for source, target in sources.items():
        for reader, cls in readers.items():
            it = cls(examples(7), 3, order_sampler=rotate)
            if reader == 'thread' and source != 'thread':
                with pytest.raises(KeyError):
                    NpzDeserializer(target).load(it)
            else:
                NpzDeserializer(target).load(it)
                assert trace(it, 5) == expected, (source, reader)
            it.finalize()


def test_missing_previous_epoch_detail():
    """MultiprocessIterator guesses it like SerialIterator; the
    MultithreadIterator has no fallback."""
    for steps in (0, 1, 3):
        target = snapshot_of(iterators.SerialIterator, steps)
        del target['previous_epoch_detail']
        guessed = []
        for cls in (iterators.SerialIterator,
                    with_options(iterators.MultiprocessIterator,
                                 n_processes=1)):
            it = cls(examples(7), 3, order_sampler=rotate)
            NpzDeserializer(target).load(it)
            guessed.append(it.previous_epoch_detail)
            it.finalize()
        assert guessed[0] == guessed[1]
        target['_order'] = target.pop('order')
        it = iterators.MultithreadIterator(examples(7), 3,
                                           order_sampler=rotate)
        with pytest.raises(KeyError):
            NpzDeserializer(target).load(it)
    # Older Chainer wrote None; MultithreadIterator reads it as "none yet".
    target['previous_epoch_detail'] = numpy.asarray(None)
    NpzDeserializer(target).load(it)
    assert it.previous_epoch_detail is None


def test_order_is_loaded_in_place_or_into_a_copy():
    """MultithreadIterator (like Serial) loads into its current order
    array; MultiprocessIterator into a copy."""
    target = snapshot_of(iterators.SerialIterator, 4)
    target['_order'] = target['order']
    for cls, in_place in ((iterators.MultithreadIterator, True),
                          (iterators.MultiprocessIterator, False)):
        it = cls(examples(7), 3, order_sampler=rotate)
        before = it._state.order
        NpzDeserializer(target).load(it)
        assert (it._state.order is before) == in_place
        assert it._state.order.tolist() == target['order'].tolist()
        it.finalize()


def test_order_sampler_runs_ahead_by_the_prefetch(make):
    """By the k-th next() the sampler has been called for every epoch end
    up to batch k + n_prefetch (1 for threads); a save drops the prefetch,
    so the sampler is called again for an epoch end it already drew."""
    sampler = Recording()
    it = make(examples(4), 2, order_sampler=sampler)
    ahead = 3 if make.kind == 'process-shm' else 1
    assert sampler.calls == 1  # the first order
    for k in range(1, 4):  # batch k ends an epoch when k is even
        next(it)
        assert sampler.calls == 1 + (k + ahead) // 2
    calls = sampler.calls
    save(it)
    assert sampler.calls == calls
    next(it)  # batch 4 again, and each end drawn again
    assert sampler.calls == calls + (2 if ahead == 3 else 1)


# -- errors and shutdown -----------------------------------------------------

class Boom(Exception):
    pass


class Failing:
    def __init__(self, bad):
        self.bad = bad

    def __len__(self):
        return 8

    def __getitem__(self, index):
        if index == self.bad:
            raise Boom(index)
        return int(index)


@pytest.mark.parametrize('bad', [0, 5])
def test_dataset_error_reaches_the_caller(make, bad):
    it = make(Failing(bad), 2, shuffle=False)
    for _ in range(bad // 2):
        next(it)
    with pytest.raises(Boom):
        next(it)
    # The failed batch counts as taken.
    assert it.current_position == bad // 2 * 2 + 2
    assert next(it) == list(range(bad // 2 * 2 + 2, bad // 2 * 2 + 4))
    it.finalize()


def test_no_worker_left_after_garbage_collection(make):
    before = workers()
    it = make(Failing(5), 2, shuffle=False)
    next(it)
    with pytest.raises(Boom):
        next(it)
        next(it)
        next(it)
    assert started_since(before)
    del it
    gc.collect()
    assert not started_since(before)


def test_finalize_and_context_manager(make):
    before = workers()
    with make(examples(6), 2, shuffle=False) as it:
        next(it)
        assert started_since(before)
    assert not started_since(before)
    it.finalize()  # again: nothing happens
    if make.kind == 'thread':
        # Usable again, with new threads.
        assert plain(next(it)) == plain(examples(6)[2:4])
        it.reset()
        assert plain(next(it)) == plain(examples(6)[:2])
        it.finalize()
    else:
        with pytest.raises(AttributeError):
            next(it)
        sampler = Recording()
        it = make(examples(6), 2, order_sampler=sampler)
        it.finalize()
        message = ('Reset of finalized MultiProcessIterator is currently '
                   'not supported.')
        with pytest.raises(NotImplementedError, match=message):
            it.reset()
        assert sampler.calls == 2  # reset drew an order first
        with pytest.raises(NotImplementedError, match=message):
            save(it)


def test_finalize_before_use_and_after_a_failed_init():
    """Also ``__del__`` (which finalizes) of a half-built iterator."""
    failures = []
    hook, sys.unraisablehook = sys.unraisablehook, failures.append
    try:
        for cls in (iterators.MultithreadIterator,
                    iterators.MultiprocessIterator):
            cls(examples(3), 2).finalize()
            with pytest.raises(ValueError, match='`shuffle` is not `None`'):
                cls(examples(3), 2, shuffle=True, order_sampler=rotate)
            gc.collect()
    finally:
        sys.unraisablehook = hook
    assert failures == []


# -- MultiprocessIterator specifics ------------------------------------------

def test_copy_mirrors_chainer():
    configured = iterators.MultiprocessIterator(
        examples(7), 3, shuffle=False, n_processes=2, n_prefetch=2,
        dataset_timeout=5, maxtasksperchild=3)
    copied = copy.copy(configured)
    assert (copied.dataset_timeout, copied._maxtasksperchild) == (30.0, None)
    configured.finalize()
    copied.finalize()
    it = iterators.MultiprocessIterator(
        examples(7), 3, shuffle=False, n_processes=2, n_prefetch=2)
    trace(it, 2)
    other = copy.copy(it)
    assert trace(other, 4) == trace(it, 4)
    assert (other.n_processes, other.n_prefetch) == (2, 2)
    # The copy of an unshuffled iterator gets Chainer's default sampler.
    assert isinstance(other.order_sampler, iterators.ShuffleOrderSampler)
    assert it.order_sampler is None
    it.finalize()
    other.finalize()


def test_attributes_and_signatures():
    mp = iterators.MultiprocessIterator(examples(3), 2, n_prefetch=0)
    assert mp.n_processes == multiprocessing.cpu_count()
    assert mp.n_prefetch == 1
    assert (mp.shuffle, mp.shared_mem, mp.dataset_timeout) == (None, None,
                                                               30.0)
    mp.repeat = False  # a plain attribute in Chainer
    mt = iterators.MultithreadIterator(examples(3), 2, n_threads=3)
    assert (mt.n_threads, mt.repeat) == (3, True)
    with pytest.raises(AttributeError):
        mt.repeat = False  # a read-only property in Chainer
    assert issubclass(iterators.MultiprocessIterator.TimeoutWarning,
                      RuntimeWarning)
    assert str(inspect.signature(iterators.MultithreadIterator)) == (
        '(dataset, batch_size, repeat=True, shuffle=None, n_threads=1, '
        'order_sampler=None)')
    assert str(inspect.signature(iterators.MultiprocessIterator)) == (
        '(dataset, batch_size, repeat=True, shuffle=None, n_processes=None, '
        'n_prefetch=1, shared_mem=None, order_sampler=None, '
        'dataset_timeout=30.0, maxtasksperchild=None)')
    mp.finalize()
    mt.finalize()


class Slow:
    def __len__(self):
        return 4

    def __getitem__(self, index):
        if index in (0, 2):
            time.sleep(0.3)
        return int(index)


def test_dataset_timeout_warns():
    """Once for the first batch (read here), once for a worker batch."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        with iterators.MultiprocessIterator(
                Slow(), 2, shuffle=False, n_processes=1,
                dataset_timeout=0.1) as it:
            assert [next(it), next(it)] == [[0, 1], [2, 3]]
        with iterators.MultiprocessIterator(
                Slow(), 2, shuffle=False, n_processes=1,
                dataset_timeout=None) as it:
            assert [next(it), next(it)] == [[0, 1], [2, 3]]
    stalled = [w for w in caught
               if w.category is iterators.MultiprocessIterator.TimeoutWarning]
    assert len(stalled) == 2
    assert str(stalled[0].message).startswith('Stalled dataset is detected.')


# -- against Chainer 7.8.1 ---------------------------------------------------

@pytest.fixture(scope='module')
def chainer():
    # Not pytest.importorskip: Chainer needs the suite's shims on NumPy 2.
    try:
        from conformance.chainer_compat import import_chainer
        return import_chainer()
    except ImportError as error:
        pytest.skip(f'Chainer is not importable: {error}')


def both_kinds(chainer):
    return {
        'thread': (chainer.iterators.MultithreadIterator,
                   iterators.MultithreadIterator, {'n_threads': 2}),
        'process': (chainer.iterators.MultiprocessIterator,
                    iterators.MultiprocessIterator, {'n_processes': 2}),
        'process-shm': (chainer.iterators.MultiprocessIterator,
                        iterators.MultiprocessIterator,
                        {'n_processes': 2, 'shared_mem': 1024,
                         'n_prefetch': 2}),
    }


def outcome(function, *args):
    """``('ok', result)`` or the exception's type name."""
    try:
        return 'ok', function(*args)
    except Exception as error:  # noqa: BLE001 - compared below
        return type(error).__name__


def saved(target):
    return {key: (value.dtype.str, value.tolist())
            for key, value in target.items()}


@pytest.mark.parametrize('kind', ['thread', 'process', 'process-shm'])
@pytest.mark.parametrize('n,batch_size,repeat,order', [
    (10, 3, True, 'index'), (5, 8, True, 'rotate'), (6, 2, False, 'rotate')])
def test_same_as_chainer(chainer, kind, n, batch_size, repeat, order):
    """Same batches and counters, same snapshot (keys, values, dtypes),
    and each resumes from the other's snapshot."""
    theirs, ours, options = both_kinds(chainer)[kind]

    def build(cls):
        return cls(examples(n), batch_size, repeat=repeat, **options,
                   **ORDERS[order]())

    # Chainer cannot save an unshuffled MultiprocessIterator (pinned below).
    savable = kind == 'thread' or order != 'index'
    runs, snapshots = {}, {}
    for name, cls in (('chainer', theirs), ('reference', ours)):
        it = build(cls)
        runs[name] = trace(it, 4)
        if savable:
            saver = chainer.serializers.DictionarySerializer()
            it.serialize(saver)
            snapshots[name] = saver.target
        runs[name] += trace(it, 3)
        it.finalize()
    assert runs['reference'] == runs['chainer']
    if not savable:
        return
    assert saved(snapshots['reference']) == saved(snapshots['chainer'])
    for name, cls in (('chainer', ours), ('reference', theirs)):
        it = build(cls)
        it.serialize(chainer.serializers.NpzDeserializer(snapshots[name]))
        assert trace(it, 3) == runs['chainer'][4:], name
        it.finalize()


def test_same_errors_and_shutdown_as_chainer(chainer):
    """After finalize: MultithreadIterator works again (new threads);
    MultiprocessIterator fails in next() and reset()."""
    for theirs, ours, options in both_kinds(chainer).values():
        seen = []
        for cls in (theirs, ours):
            it = cls(examples(4), 2, shuffle=False, **options)
            next(it)
            it.finalize()
            it.finalize()
            seen.append((outcome(lambda: plain(next(it))),
                         outcome(it.reset)))
            it.finalize()
        assert seen[0] == seen[1]
    # MultithreadIterator: the original exception, at the same next().
    seen = []
    for cls in (chainer.iterators.MultithreadIterator,
                iterators.MultithreadIterator):
        it = cls(Failing(5), 2, shuffle=False)
        seen.append([outcome(next, it) for _ in range(4)])
        it.finalize()
    assert seen[0] == seen[1] == [
        ('ok', [0, 1]), ('ok', [2, 3]), 'Boom', ('ok', [6, 7])]


def test_divergences_from_chainer_pinned(chainer):
    """What the reference deliberately does differently, shown live."""
    # Chainer cannot save an unshuffled MultiprocessIterator (order None
    # has no .copy()); the reference skips the order, as SerialIterator.
    theirs = chainer.iterators.MultiprocessIterator(
        examples(4), 2, shuffle=False, n_processes=1)
    saver = chainer.serializers.DictionarySerializer()
    with pytest.raises(AttributeError):
        theirs.serialize(saver)
    assert set(saver.target) == BASE_KEYS - {'previous_epoch_detail'}
    theirs.finalize()
    ours = iterators.MultiprocessIterator(
        examples(4), 2, shuffle=False, n_processes=1)
    assert set(save(ours)) == BASE_KEYS
    ours.finalize()

    # The first batch's error becomes a TypeError in Chainer (it is read in
    # a helper thread, which dies); the reference raises the original.
    theirs = chainer.iterators.MultiprocessIterator(
        Failing(0), 2, shuffle=False, n_processes=1)
    hook, threading.excepthook = threading.excepthook, lambda args: None
    try:
        with pytest.raises(TypeError):
            next(theirs)
    finally:
        threading.excepthook = hook
    theirs.finalize()


def test_snapshots_across_kinds_as_chainer(chainer):
    """Which kind resumes from which kind's snapshot, and how it goes on."""
    kinds = {
        'serial': (chainer.iterators.SerialIterator,
                   iterators.SerialIterator, {}),
        'thread': (chainer.iterators.MultithreadIterator,
                   iterators.MultithreadIterator, {}),
        'process': (chainer.iterators.MultiprocessIterator,
                    iterators.MultiprocessIterator, {'n_processes': 1}),
    }

    def resume(reader, target):
        reader.serialize(chainer.serializers.NpzDeserializer(target))
        return trace(reader, 3)

    results = []
    for impl in (0, 1):  # Chainer's iterators, then the reference's
        result = {}
        for source, (*classes, options) in kinds.items():
            it = classes[impl](examples(7), 3, order_sampler=rotate,
                               **options)
            trace(it, 4)
            saver = chainer.serializers.DictionarySerializer()
            it.serialize(saver)
            it.finalize()
            for reader, (*classes, options) in kinds.items():
                it = classes[impl](examples(7), 3, order_sampler=rotate,
                                   **options)
                result[source, reader] = outcome(resume, it, saver.target)
                it.finalize()
        results.append(result)
    assert results[1] == results[0]
    assert results[0]['serial', 'thread'] == 'KeyError'
