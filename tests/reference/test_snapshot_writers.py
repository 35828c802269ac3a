"""Differential tests: the snapshot extension and its writers in the
reference against live Chainer 7.8.1.

Each runner drives one scenario through an implementation namespace
(``chainer`` or ``reference``) and returns a plain trace; ``same`` runs it on
both and asserts the traces are equal.  No expected value is written by hand.
Snapshot files get an mtime derived from their iteration (``timed_save``), so
"newest" is deterministic even when two saves share a clock tick.  Every run
also checks that no thread or process is left behind once training ends.
"""
import contextlib
import functools
import io
import multiprocessing
import os
import pickle
import re
import shutil
import threading
import warnings

import numpy
import pytest

from conformance.chainer_compat import import_chainer
from tests.reference.both import IMPLEMENTATIONS, outcome, same  # noqa: F401

chainer = import_chainer()
import chainer.serializers  # noqa: E402
import chainer.training  # noqa: E402
import chainer.training.extensions  # noqa: E402
from chainer.training.extensions import _snapshot as chainer_snapshot  # noqa: E402,E501

import reference  # noqa: E402
import reference.serializers  # noqa: E402
import reference.training  # noqa: E402
from reference.training.extensions import _snapshot as reference_snapshot  # noqa: E402,E501

SNAPSHOT_MODULES = {'chainer': chainer_snapshot,
                    'reference': reference_snapshot}
WRITERS = ('SimpleWriter', 'ThreadWriter', 'ProcessWriter',
           'ThreadQueueWriter', 'ProcessQueueWriter')


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def impl_name(impl):
    return 'chainer' if impl is chainer else 'reference'


def apart(runner, impl, *args, **kwargs):
    """``runner(impl, ...)`` in a fresh directory of its own."""
    directory = os.path.abspath(f'{impl_name(impl)}_{len(os.listdir())}')
    os.makedirs(directory)
    with contextlib.chdir(directory):
        return runner(impl, *args, **kwargs)


def same_apart(runner, *args, **kwargs):
    """``same``, each implementation in its own directory."""
    return same(functools.partial(apart, runner), *args, **kwargs)


def timed_save(name, path, target, **kwargs):
    """``save_npz`` of implementation ``name``, then mtime = 10**9 + the
    last number in the file name (its iteration).  Module-level, so that
    ``functools.partial`` of it pickles for the process writers."""
    IMPLEMENTATIONS[name].serializers.save_npz(path, target, **kwargs)
    numbers = re.findall(r'\d+', os.path.basename(path))
    stamp = 10**9 + (int(numbers[-1]) if numbers else 0)
    os.utime(path, (stamp, stamp))


def workers():
    """Live non-daemon threads and child processes of this process.

    A ``multiprocessing`` queue's feeder thread (a daemon) lives as long as
    the queue, in Chainer as in the reference, so it is not counted.
    """
    threads = [t for t in threading.enumerate() if not t.daemon]
    return len(threads), len(multiprocessing.active_children())


# ---------------------------------------------------------------- stand-ins

class CountingModel:
    """A loss function that reports nothing; an observer with no state."""

    def namedlinks(self, skipself=False):
        if not skipself:
            yield '/', self

    def serialize(self, serializer):
        pass

    def __call__(self, *args):
        pass


class StubOptimizer:
    def __init__(self, target):
        self.target = target
        self.epoch = 0
        self.t = 0
        self.use_auto_new_epoch = False

    def update(self, lossfun=None, *args, **kwargs):
        lossfun(*args, **kwargs)
        self.t += 1

    def new_epoch(self, auto=False):
        self.epoch += 1

    def serialize(self, serializer):
        self.t = serializer('t', self.t)
        self.epoch = serializer('epoch', self.epoch)


def make_trainer(impl, stop, out='result', epoch_size=3):
    it = impl.iterators.SerialIterator(
        numpy.zeros(epoch_size, dtype=numpy.float32), 1, shuffle=False)
    updater = impl.training.updaters.StandardUpdater(
        it, StubOptimizer(CountingModel()))
    return impl.training.Trainer(updater, (stop, 'iteration'), out=out)


def make_writer(impl, writer, **kwargs):
    cls = getattr(impl.training.extensions.snapshot_writers, writer)
    return cls(savefun=functools.partial(timed_save, impl_name(impl)),
               **kwargs)


def listing(out='result'):
    """Files and directories in ``out``, temporary ones included."""
    return sorted(os.listdir(out)) if os.path.isdir(out) else None


# ------------------------------------------------------ writers in a loop

def run_writer(impl, writer, n_retains, stop, filename, trigger):
    before = workers()
    w = make_writer(impl, writer)
    trainer = make_trainer(impl, stop)
    kwargs = {} if filename is None else {'filename': filename}
    trainer.extend(impl.training.extensions.snapshot(
        writer=w, n_retains=n_retains, **kwargs), trigger=trigger)
    trainer.run()
    files = listing()
    latest = make_trainer(impl, stop)
    if files:
        impl.serializers.load_npz(os.path.join('result', files[-1]), latest)
    return files, latest.updater.iteration, workers() == before


WRITER_RUNS = [
    (-1, 4, None, (1, 'iteration')),
    (2, 5, None, (1, 'iteration')),
    (1, 6, 'snap_{0.updater.epoch}_{0.updater.iteration}.npz', (2, 'iteration')),
    (3, 4, 'model{.updater.iteration}', (1, 'epoch')),
]


# Queue writers with n_retains are a documented divergence: see
# test_queue_writers_honour_n_retains_as_documented.
@pytest.mark.parametrize('writer, n_retains, stop, filename, trigger', [
    (writer, *run) for writer in WRITERS for run in WRITER_RUNS
    if run[0] <= 0 or 'Queue' not in writer])
def test_writers_leave_chainers_files_and_no_workers(
        writer, n_retains, stop, filename, trigger):
    same_apart(run_writer, writer, n_retains, stop, filename, trigger)


@pytest.mark.parametrize('writer', ['ThreadQueueWriter', 'ProcessQueueWriter'])
@pytest.mark.parametrize('n_retains, stop, filename, trigger', [
    (2, 5, None, (1, 'iteration')),
    (1, 6, 'snap_{0.updater.epoch}_{0.updater.iteration}.npz', (2, 'iteration')),
])
def test_queue_writers_honour_n_retains_as_documented(
        writer, n_retains, stop, filename, trigger):
    """``snapshot``'s docs: ``n_retains`` snapshots are kept (for a str
    filename); Chainer's queue writers never run the cleanup hook.  The
    reference's queue writer leaves what Chainer's ThreadWriter leaves."""
    documented = apart(run_writer, chainer, 'ThreadWriter', n_retains, stop,
                       filename, trigger)
    assert apart(run_writer, reference, writer, n_retains, stop, filename,
                 trigger) == documented
    kept_all = apart(run_writer, chainer, writer, -1, stop, filename,
                     trigger)
    assert apart(run_writer, chainer, writer, n_retains, stop, filename,
                 trigger) == kept_all


def record_save(log, path, target, **kwargs):
    """A savefun that logs where it writes and its keyword arguments."""
    outdir = os.path.dirname(os.path.dirname(path))
    tmpdir = os.path.basename(os.path.dirname(path))
    name = os.path.basename(path)
    present = [entry if not entry.startswith('tmp')
               else ('tmp', entry.startswith('tmp' + name))
               for entry in sorted(os.listdir(outdir))]
    log.append((outdir, tmpdir.startswith('tmp' + name), name, present,
                sorted(kwargs)))
    with open(path, 'w') as f:
        f.write('x')


def run_save_protocol(impl, writer):
    log = []
    cls = getattr(impl.training.extensions.snapshot_writers, writer)
    w = cls(savefun=functools.partial(record_save, log))
    hooks = []
    w._add_cleanup_hook(lambda: hooks.append(sorted(os.listdir('.'))))
    w('snap_a', '.', {'x': numpy.zeros(1)})
    w('snap_b', '.', {'x': numpy.zeros(1)})
    w.finalize()
    w.finalize()
    return log, hooks, sorted(os.listdir('.'))


@pytest.mark.parametrize('writer', ['SimpleWriter', 'ThreadWriter'])
def test_writers_save_through_a_temporary_directory(writer):
    same_apart(run_save_protocol, writer)


def test_queue_writer_runs_its_post_save_hooks_as_documented():
    """The save protocol of the reference's ThreadQueueWriter is Chainer's
    ThreadWriter's, hooks included; Chainer's queue writer never runs the
    hooks registered on it (what ``n_retains`` relies on)."""
    assert apart(run_save_protocol, reference, 'ThreadQueueWriter') == \
        apart(run_save_protocol, chainer, 'ThreadWriter')
    assert apart(run_save_protocol, chainer, 'ThreadQueueWriter')[1] == []


def run_writer_kwds(impl, writer):
    log = []
    cls = getattr(impl.training.extensions.snapshot_writers, writer)
    w = cls(savefun=functools.partial(record_save, log), compression=False)
    w('snap', '.', {'x': numpy.zeros(1)})
    w.finalize()
    return [entry[-1] for entry in log]


@pytest.mark.parametrize('writer', ['SimpleWriter', 'ThreadWriter'])
def test_writer_kwds_reach_savefun_as_documented(writer):
    """The writers' docs: "kwds: Keyword arguments for the savefun";
    Chainer's Writer.save drops them."""
    assert apart(run_writer_kwds, reference, writer) == [['compression']]
    assert apart(run_writer_kwds, chainer, writer) == [[]]


def run_base_writers(impl):
    writers = impl.training.extensions.snapshot_writers
    trace = [outcome(writers.Writer(), 'a', '.', {}, message=False),
             outcome(writers.StandardWriter(), 'a', '.', {}, message=False),
             outcome(writers.QueueWriter, message=False)]
    w = writers.ThreadQueueWriter(
        task=lambda filename, outdir, target: trace.append(
            ('task', filename, sorted(target))))
    started = workers()
    w('snap', '.', {'k': 1})
    w.finalize()
    trace.append((started, workers(), w._started, w._finalized))
    p = writers.ProcessQueueWriter()
    trace.append(len(multiprocessing.active_children()))
    p.finalize()
    trace.append(len(multiprocessing.active_children()))
    return trace


def test_base_writers_and_queue_consumers():
    same_apart(run_base_writers)


# ------------------------------------------------- snapshot() options

def run_snapshot_options(impl):
    trace = []
    ext = impl.training.extensions
    trace.append(outcome(ext.snapshot, savefun=lambda *a: None,
                         writer=ext.snapshot_writers.SimpleWriter()))
    trace.append(outcome(ext.snapshot, foo=1))
    made, caught = None, None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        made = ext.snapshot(num_retain=3)
        made_object = ext.snapshot_object(object(), 'f', num_retain=2,
                                          n_retains=5)
    trace.append((made.n_retains, made_object.n_retains,
                  [(w.category.__name__, str(w.message)) for w in caught]))
    s = ext.snapshot()
    trace.append((type(s).__name__, s.trigger, s.priority, s.filename,
                  s.n_retains, s.autoload, s.condition(),
                  type(s.writer).__name__))
    return trace


def test_snapshot_arguments_and_defaults():
    same_apart(run_snapshot_options)


class Alternate:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.calls % 2 == 0


class Boom(Exception):
    pass


def run_condition_and_error(impl, on_error):
    trainer = make_trainer(impl, 6)
    trainer.extend(impl.training.extensions.snapshot(
        writer=make_writer(impl, 'SimpleWriter'), condition=Alternate(),
        snapshot_on_error=on_error), trigger=(1, 'iteration'))

    def boom(t):
        if t.updater.iteration == 5:
            raise Boom()
    trainer.extend(boom, trigger=(1, 'iteration'))
    with contextlib.redirect_stderr(io.StringIO()):
        result = outcome(trainer.run, message=False)
    return result, listing()


@pytest.mark.parametrize('on_error', [False, True])
def test_snapshot_condition_and_snapshot_on_error(on_error):
    same_apart(run_condition_and_error, on_error)


def run_callable_filename(impl):
    trainer = make_trainer(impl, 4)
    trainer.extend(impl.training.extensions.snapshot(
        writer=make_writer(impl, 'SimpleWriter'), n_retains=1,
        filename=lambda t: f'cb_{t.updater.iteration}'),
        trigger=(1, 'iteration'))
    trainer.run()
    auto = make_trainer(impl, 4)
    auto.extend(impl.training.extensions.snapshot(
        filename=lambda t: 'x', autoload=True))
    return listing(), outcome(auto.run, message=False)[0]


def test_callable_filename_keeps_everything_and_cannot_autoload():
    same_apart(run_callable_filename)


def run_autoload(impl, first_stop, second_stop, decoys, writer):
    trace = []
    if first_stop:
        first = make_trainer(impl, first_stop)
        first.extend(impl.training.extensions.snapshot(
            writer=make_writer(impl, writer)), trigger=(1, 'iteration'))
        first.run()
    os.makedirs('result', exist_ok=True)
    for name, stamp, source in decoys:
        path = os.path.join('result', name)
        if source is None:
            with open(path, 'w') as f:
                f.write('not a snapshot')
        else:
            shutil.copyfile(os.path.join('result', source), path)
        os.utime(path, (stamp, stamp))
    second = make_trainer(impl, second_stop)
    before = workers()
    second.extend(impl.training.extensions.snapshot(
        writer=make_writer(impl, writer), autoload=True, n_retains=2),
        trigger=(1, 'iteration'))
    seen = []
    second.extend(lambda t: seen.append(t.updater.iteration),
                  trigger=(1, 'iteration'))
    with contextlib.redirect_stderr(io.StringIO()), \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        trace.append(outcome(second.run, message=False)[0])
    trace += [seen, listing(), workers() == before,
              [str(w.message) for w in caught]]
    return trace


@pytest.mark.parametrize('writer', ['SimpleWriter', 'ThreadWriter',
                                    'ProcessWriter'])
@pytest.mark.parametrize('first_stop, second_stop, decoys', [
    (3, 6, ()),
    (0, 2, ()),                                         # nothing to load
    (2, 5, (('notes.txt', 10**9 + 100, None),)),        # not matching
    (2, 5, (('snapshot_iter_old', 10**9 - 5, None),)),  # older: deleted
    # a matching copy of iteration 1, newest: loaded (by mtime, not name)
    (2, 5, (('snapshot_iter_new', 10**9 + 50, 'snapshot_iter_1'),)),
])
def test_autoload_finds_the_newest_matching_snapshot(
        first_stop, second_stop, decoys, writer):
    same_apart(run_autoload, first_stop, second_stop, decoys, writer)


# ------------------------------------------------------------- helpers

FILES = (('snapshot_iter_3', 30), ('snapshot_iter_10', 20),
         ('snapshot_iter_7', 20), ('other_5', 50), ('snapshot_iter_', 5),
         ('snap.npz', 40), ('snap_1.npz', 10), ('xsnapshot_iter_9', 60))


def run_helpers(impl, fmt, n_retains):
    os.makedirs('d', exist_ok=True)
    for name, stamp in FILES:
        with open(os.path.join('d', name), 'w'):
            pass
        os.utime(os.path.join('d', name), (10**9 + stamp, 10**9 + stamp))
    module = SNAPSHOT_MODULES[impl_name(impl)]
    found = module._find_snapshot_files(fmt, 'd')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        stale = list(module._find_stale_snapshots(fmt, 'd', n_retains))
        stale_alias = list(module._find_stale_snapshots(
            fmt, 'd', 100, num_retain=n_retains))
    return ([(t - 10**9, name) for t, name in found],
            module._find_latest_snapshot(fmt, 'd'), stale, stale_alias,
            [w.category.__name__ for w in caught])


@pytest.mark.parametrize('fmt', [
    'snapshot_iter_{.updater.iteration}', 'snap{.updater.iteration}.npz',
    'snap_{.a}_{.b}.npz', 'nothing_{}', '{.updater.iteration}',
])
@pytest.mark.parametrize('n_retains', [0, 1, 2, 10, -1])
def test_snapshot_file_helpers(fmt, n_retains):
    same_apart(run_helpers, fmt, n_retains)


def run_helpers_on_an_empty_directory(impl):
    os.makedirs('e', exist_ok=True)
    module = SNAPSHOT_MODULES[impl_name(impl)]
    return (module._find_snapshot_files('s{}', 'e'),
            module._find_latest_snapshot('s{}', 'e'),
            list(module._find_stale_snapshots('s{}', 'e', 1)))


def test_helpers_on_an_empty_directory():
    same_apart(run_helpers_on_an_empty_directory)


def test_stale_snapshot_remover_is_picklable():
    """What lets the reference's ProcessQueueWriter run the cleanup."""
    remover = reference_snapshot._StaleSnapshotRemover('s{}', 'd', 2)
    copy = pickle.loads(pickle.dumps(remover))
    assert (copy.fmt, copy.path, copy.n_retains) == ('s{}', 'd', 2)

