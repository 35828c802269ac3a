"""cross-device: the same scenario on the CPU and on ``--device=gpu``.

Chainer's CPU and GPU update rules compute the same formula with different
operation orders (fused kernels, FMA contraction), so trajectories agree
within the dtype's tolerance, never bitwise.  Snapshots are device-neutral:
a file written from GPU arrays loads into a CPU trainer and the other way
round.  These properties need a GPU run; on the CPU they are skipped with
that reason.
"""
import numpy
import pytest
from hypothesis import given, strategies as st

from conformance import devices, tolerances
from conformance.models import update_rules
from conformance.runners import optim as optim_runner
from conformance.runners import training as training_runner
from conformance.spec import rule
from conformance.strategies import optim as optim_scenarios
from conformance.strategies import snapshot as snapshot_scenarios

FAMILY = 'cross-device'


@pytest.fixture(autouse=True)
def _needs_gpu(device):
    if device.kind == 'cpu':
        pytest.skip('cross-device properties compare the CPU with --device=gpu; '
                    'this run is on the CPU')


@rule(FAMILY, source='chainer/optimizers/*.py:update_core_gpu@v7.8.1')
@pytest.mark.parametrize('optimizer', optim_scenarios.OPTIMIZERS)
@given(data=st.data())
def test_gpu_trajectory_matches_cpu_within_the_dtype_tolerance(out_dir, ns, device,
                                                              optimizer, data):
    """Each parameter's trajectory on the GPU stays within the formula's
    tolerance of the same trajectory on the CPU (both are within the bound
    of the float64 model, so they are within twice that of each other)."""
    scenario = data.draw(optim_scenarios.update_scenarios(
        optimizers=(optimizer,), trees=optim_scenarios.link_trees(max_params=2, max_links=2),
        max_steps=4))
    with devices.using(devices.CPU):
        on_cpu = optim_runner.run_updates(ns, scenario)
    on_gpu = optim_runner.run_updates(ns, scenario)
    hyper = scenario.effective_hyper()
    for path, p0 in scenario.init.items():
        steps = update_rules.trajectory(scenario.optimizer, hyper, p0,
                                    [g.get(path) for g in scenario.grads])
        bounds = tolerances.trajectory_bounds(scenario.dtype, p0, steps)
        for k, ((bound, _), cpu, gpu) in enumerate(
                zip(bounds, on_cpu.steps, on_gpu.steps), start=1):
            cpu_value = cpu.params[path].astype(numpy.float64)
            assert tolerances.within(gpu.params[path], cpu_value, 2 * bound).all(), (
                f'{optimizer} {hyper} {path} after update {k}: GPU differs from CPU: '
                f'{tolerances.first_miss(gpu.params[path], cpu_value, 2 * bound)}')


def _close(a, b):
    a, b = numpy.asarray(a), numpy.asarray(b)
    if a.dtype.kind != 'f':
        return a.dtype == b.dtype and numpy.array_equal(a, b)
    bound = tolerances.hook_bound(a.dtype, 64 * numpy.maximum(abs(a), abs(b)).astype('f8'))
    return a.dtype == b.dtype and tolerances.within(a, b.astype('f8'), bound).all()


@rule(FAMILY, source='chainer/serializers/npz.py:save_npz, load_npz@v7.8.1')
@pytest.mark.parametrize('written_on', ['gpu', 'cpu'])
@given(scenario=snapshot_scenarios.training_scenarios())
def test_snapshot_crosses_devices_and_training_continues(out_dir, ns, device, written_on,
                                                         scenario):
    """A trainer snapshot written on one device loads into a trainer on the
    other; both continue to N with the same extension calls, and their final
    states agree within the dtype's tolerance."""
    other = devices.CPU if written_on == 'gpu' else device
    writer = device if written_on == 'gpu' else devices.CPU
    with devices.using(writer):
        _, path = training_runner.snapshot_file(ns, scenario, out_dir)
        same = training_runner.resume_from(ns, scenario, out_dir, path)
        same.trainer.run()
        same_trace = training_runner.trace_of(ns, same)
    with devices.using(other):
        crossed = training_runner.resume_from(ns, scenario, out_dir, path)
        crossed.trainer.run()
        crossed_trace = training_runner.trace_of(ns, crossed)
    assert crossed_trace.events == same_trace.events, (
        f'written on {written_on}: the extension calls differ after crossing devices')
    assert sorted(crossed_trace.state) == sorted(same_trace.state)
    different = [key for key in same_trace.state
                 if not _close(crossed_trace.state[key], same_trace.state[key])]
    assert not different, (
        f'written on {written_on}: after crossing devices these entries differ beyond '
        f'the tolerance: {different}')
