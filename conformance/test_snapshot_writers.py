"""Which snapshot files ``snapshot(n_retains=..., condition=..., autoload=...)``
leaves, and where ``autoload`` resumes (family 'snapshot-writers').

Runs are at most 9 iterations, so the file names of
``snapshot_iter_{.updater.iteration}`` sort as their iterations and a tie of
modification times (a coarse file-system clock) picks the same newest file
(SEMANTICS I6, I8, I9, M9).
"""
import os

import pytest
from hypothesis import example, given, strategies as st

from conformance import harness
from conformance.diff import model_mismatch
from conformance.models.observation import retained_snapshots
from conformance.runners import observation as runner
from conformance.spec import diverges, rule
from conformance.strategies import observation as scenarios

SOURCE = 'chainer/training/extensions/_snapshot.py:_Snapshot.__call__@v7.8.1 (SEMANTICS I8)'
WRITERS = ('SimpleWriter', 'ThreadWriter')


@pytest.fixture(scope='module', autouse=True)
def scratch_working_directory(out_dir):
    """A writer that ignores the trainer's ``out`` writes into the current
    directory: that is then the suite's scratch, never the caller's tree."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(out_dir)
        yield


@rule('snapshot-writers', source=SOURCE)
@given(scenario=scenarios.snapshot_scenarios(),
       writer=st.sampled_from((None,) + WRITERS))
def test_snapshots_left_are_the_newest_n_retains_of_those_condition_allowed(
        out_dir, ns, scenario, writer):
    """A snapshot is written as ``snapshot_iter_<iteration>`` where its
    trigger fires and ``condition()`` holds; with ``n_retains > 0`` only the
    newest ``n_retains`` are left (every one otherwise), and nothing else."""
    out = runner.fresh_dir(out_dir)
    _, taken = runner.snapshot_run(ns, out, scenario, scenario.iterations, writer)
    expected = retained_snapshots(taken, scenario.n_retains)
    left = sorted(os.listdir(out))
    assert left == expected, model_mismatch(scenario, expected, left, f'files left ({writer})')


@rule('snapshot-writers', source=SOURCE.replace('__call__', 'initialize').replace(
    'I8', 'I9'))
@given(scenario=scenarios.snapshot_scenarios())
def test_autoload_resumes_from_the_newest_snapshot_left(out_dir, ns, scenario):
    """A fresh trainer with ``snapshot(autoload=True)`` in the same ``out``
    loads the newest snapshot left there, so its first update is the one
    after that snapshot's iteration (the first one if none was written);
    the files then left are the newest ``n_retains`` of both runs."""
    out = runner.fresh_dir(out_dir)
    _, taken = runner.snapshot_run(ns, out, scenario, scenario.at, None)
    left = retained_snapshots(taken, scenario.n_retains)
    newest = int(left[-1].rsplit('_', 1)[1]) if left else 0
    first, more = runner.snapshot_run(ns, out, scenario, 9, None, autoload=True)
    expected_first = newest + 1 if newest < 9 else None
    assert first == expected_first, (
        f'after autoload the first update made iteration {first}, expected '
        f'{expected_first} (snapshots left: {left})\n  {scenario}')
    expected = retained_snapshots(taken + more, scenario.n_retains)
    assert sorted(os.listdir(out)) == expected, model_mismatch(
        scenario, expected, sorted(os.listdir(out)), 'files left after both runs')


QUEUE_WRITERS = ('ThreadQueueWriter', 'ProcessQueueWriter')


@rule('snapshot-writers', source=SOURCE.replace('(SEMANTICS I8)', '(SEMANTICS M12)'))
@diverges('chainer', reason='snapshot(n_retains=...) registers its clean-up on the queue '
          'writer, but the queued task is another writer that runs its own (empty) hooks, so '
          'every snapshot is kept',
          source='chainer/training/extensions/snapshot_writers.py:QueueWriter.__call__@v7.8.1')
@given(scenario=scenarios.retaining_snapshot_scenarios(), writer=st.sampled_from(QUEUE_WRITERS))
@example(scenario=scenarios.SnapshotScenario(iterations=2, every=1, n_retains=1, skip=(), at=1),
         writer='ThreadQueueWriter')
def test_queue_writers_leave_the_newest_n_retains_snapshots(out_dir, ns, scenario, writer):
    """Documented for ``snapshot``: ``n_retains`` is the "number of snapshot
    files to retain through the cleanup", with a str file name and any
    built-in writer, the queue writers among them."""
    out = runner.fresh_dir(out_dir)
    _, taken = runner.snapshot_run(ns, out, scenario, scenario.iterations, writer)
    expected = retained_snapshots(taken, scenario.n_retains)
    left = sorted(os.listdir(out))
    assert left == expected, model_mismatch(scenario, expected, left, f'files left ({writer})')


@rule('snapshot-writers', source='chainer/training/extensions/snapshot_writers.py:'
      'Writer.save@v7.8.1 (SEMANTICS I8)')
@given(scenario=scenarios.snapshot_scenarios(), writer=st.sampled_from(WRITERS))
def test_writers_save_into_a_temporary_directory_inside_out_then_move_the_file(
        out_dir, ns, scenario, writer):
    """The writer calls ``savefun(path, target)`` with ``path`` =
    ``<out>/tmp<file name><random>/<file name>``, then moves the file to
    ``<out>/<file name>``; the temporary directory does not stay."""
    out = runner.fresh_dir(out_dir)
    paths = runner.snapshot_paths(ns, out, scenario, writer)
    taken = [f'snapshot_iter_{i}' for i in range(1, scenario.iterations + 1)
             if i % scenario.every == 0 and i not in scenario.skip]
    wrong = [(name, path) for name, path in zip(taken, paths)
             if os.path.basename(path) != name
             or os.path.dirname(os.path.dirname(path)) != out
             or not os.path.basename(os.path.dirname(path)).startswith('tmp' + name)]
    assert len(paths) == len(taken) and not wrong, (
        f'savefun got {paths} for {taken} in {out} ({writer}); expected '
        f'<out>/tmp<name>.../<name>\n  {scenario}')
    assert sorted(os.listdir(out)) == retained_snapshots(taken, scenario.n_retains)


SNAPSHOT = 'chainer/training/extensions/_snapshot.py:{}@v7.8.1'
#: file names: formatted with the trainer, fixed (overwritten), or a callable's
OBJECT_FILENAMES = {
    'model_{.updater.iteration}': lambda i: f'model_{i}',
    'm_{0.updater.epoch}_{0.updater.iteration}': lambda i: f'm_{i // 4}_{i}',
    'model.npz': lambda i: 'model.npz',
    'callable': lambda i: f'called_{i}',
}


@rule('snapshot-writers', source=SNAPSHOT.format('snapshot_object') + '; '
      + SNAPSHOT.format('_Snapshot._make_snapshot'))
@given(iterations=st.integers(1, 6), every=st.integers(1, 3),
       filename=st.sampled_from(sorted(OBJECT_FILENAMES)),
       via=st.sampled_from(['snapshot_object', 'snapshot']))
def test_snapshot_object_saves_its_target_under_the_name_formatted_with_the_trainer(
        out_dir, ns, iterations, every, filename, via):
    """``snapshot_object(target, filename)``, like ``snapshot(filename=...,
    target=...)``, saves at each firing ``target`` alone (its keys, as
    ``save_npz(target)`` writes them) as it is then, to ``<out>/<name>``:
    ``filename.format(trainer)``, or ``filename(trainer)`` for a callable; a
    name that does not change is overwritten."""
    name_of = OBJECT_FILENAMES[filename]
    given = (lambda trainer: name_of(trainer.updater.iteration)) if filename == 'callable' \
        else filename
    files = runner.object_snapshot_run(ns, runner.fresh_dir(out_dir), iterations, every,
                                       given, via)
    expected = {}
    for i in range(every, iterations + 1, every):
        expected[name_of(i)] = {'seen': i, 'w': [float(i)] * 2}
    assert files == expected, model_mismatch(
        (iterations, every, filename, via), expected, files,
        'files left in out ({name: {key: value}})', f'{via} every {every} iterations')


@rule('snapshot-writers', source=SNAPSHOT.format('_Snapshot.on_error'))
@given(fail_at=st.integers(1, 4), on_error=st.sampled_from([None, False, True]),
       writer=st.sampled_from([None, 'SimpleWriter', 'ThreadWriter']))
def test_snapshot_on_error_saves_the_trainer_where_the_run_failed(
        out_dir, ns, fail_at, on_error, writer):
    """``snapshot(snapshot_on_error=True)`` saves the trainer when the run
    fails, as it is at the failure (``snapshot_iter_<that iteration>``), and
    the error still reaches the caller; without it (false by default) a
    failed run saves nothing the trigger did not ask for."""
    error, files = runner.snapshot_on_error_run(ns, runner.fresh_dir(out_dir), fail_at,
                                                on_error, writer)
    assert isinstance(error, RuntimeError) and str(error) == f'failing at {fail_at}', (
        f'the run raised {error!r}, expected the RuntimeError of the failing extension')
    expected = {f'snapshot_iter_{fail_at}': fail_at} if on_error else {}
    assert files == expected, (
        f'snapshot_on_error={on_error} ({writer or "default writer"}), run failed at '
        f'iteration {fail_at}: files left {{name: updater/iteration}} {files}, expected '
        f'{expected}')


@rule('snapshot-writers', source=SNAPSHOT.format('snapshot'))
@given(maker=st.sampled_from(['snapshot', 'snapshot_object']))
def test_snapshot_refuses_a_savefun_and_a_writer_together(ns, maker):
    """``savefun`` and ``writer`` given together: ``TypeError('savefun and
    writer arguments cannot be specified together.')``."""
    extensions = ns.training.extensions
    make = extensions.snapshot if maker == 'snapshot' else (
        lambda **kwargs: extensions.snapshot_object(ns.Link(), 'x', **kwargs))
    expected = 'savefun and writer arguments cannot be specified together.'
    with pytest.raises(TypeError) as error:
        harness.call_with(f'training.extensions.{maker}', make,
                          savefun=ns.serializers.save_npz,
                          writer=extensions.snapshot_writers.SimpleWriter())
    assert str(error.value) == expected, (
        f'{maker}(savefun=..., writer=...): message\n expected: {expected!r}\n got:      '
        f'{str(error.value)!r}')
