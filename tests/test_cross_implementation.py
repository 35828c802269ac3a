"""Snapshots are interchangeable between Chainer and the reference.

A trainer (Adam with an ExponentialShift on ``alpha``, interval-triggered
extensions) trains to ``k`` in one implementation, which writes a real
snapshot file (``save_npz`` after ``run()``, or the ``snapshot``
extension's file); a fresh trainer of the *other* implementation loads it
and trains to ``N``.  It must continue exactly as the other implementation
would have without interruption: same hyperparameters in every update, same
extension calls, same final state, bit for bit.
"""
import pytest

from conformance import chainer_compat, diff
from conformance.namespace import Namespace
from conformance.runners import training as runner
from conformance.strategies.snapshot import OptimizerSpec, ShiftSpec, TrainingScenario

chainer = chainer_compat.import_chainer()
import reference  # NOQA: E402  (after Chainer's shims)

IMPLEMENTATIONS = {'chainer': Namespace(chainer), 'reference': Namespace(reference)}


def scenario(mode, amsgrad, recorders, stop=9, k=4):
    return TrainingScenario(
        n=7, batch_size=3, W=(0.5, -0.25), b=(0.1, 0.0),
        optimizer=OptimizerSpec('Adam', {'alpha': 0.05, 'amsgrad': amsgrad},
                                overrides=(('l1/b', 'beta1', 0.8),)),
        shifts=(ShiftSpec('ExponentialShift', 'alpha', {'rate': 0.8}, period=2),),
        recorders=recorders, stop=stop, snapshot_at=k, mode=mode)


SCENARIOS = {
    'save_npz': scenario('save_npz', False, ((3, 'iteration'),)),
    'snapshot_extension': scenario('snapshot_extension', True, ((0.5, 'epoch'),)),
    'amsgrad-epochs': scenario('save_npz', True, ((1, 'epoch'), (2, 'iteration')), stop=11, k=6),
}


@pytest.mark.parametrize('writer, reader', [('reference', 'chainer'), ('chainer', 'reference')])
@pytest.mark.parametrize('name', sorted(SCENARIOS))
def test_snapshot_written_by_one_implementation_resumes_in_the_other(tmp_path, writer, reader,
                                                                      name):
    case = SCENARIOS[name]
    write, read = IMPLEMENTATIONS[writer], IMPLEMENTATIONS[reader]
    full = runner.run_uninterrupted(read, case, str(tmp_path))
    events, path = runner.snapshot_file(write, case, str(tmp_path))
    rig = runner.resume_from(read, case, str(tmp_path), path)
    rig.trainer.run()
    resumed = runner.trace_of(read, rig)
    resumed.events = events + resumed.events
    problem = diff.explain_resume_difference(full, resumed, case.snapshot_at)
    assert problem is None, (
        f'{reader} resuming from the {writer} snapshot {path} does not continue like '
        f'uninterrupted {reader} training:\n{problem}')


def test_snapshot_files_have_the_same_keys_dtypes_and_shapes(tmp_path):
    case = SCENARIOS['snapshot_extension']
    layouts = {}
    for name, ns in IMPLEMENTATIONS.items():
        _, path = runner.snapshot_file(ns, case, str(tmp_path))
        layouts[name] = {k: (v.dtype.str, v.shape) for k, v in runner.read_npz(path).items()}
    assert layouts['reference'] == layouts['chainer']
