"""The implementation under test and the reference, run on the same
scenarios, produce the same traces (family 'differential').

Each property draws scenarios from the strategies of the other families,
plays each one on both implementations with the same runner, and compares
the whole traces: every event, every array bit for bit, every value's type.
On failure it prints the first divergence side by side
(``conformance.diff``).  The per-rule families say which rule an
implementation breaks; this family catches what their models do not look
at, and points at the first step where the two runs part.

The traces include undocumented behaviour (Chainer's arithmetic to the
last bit, the order of hook calls on disabled rules, ...), so the
properties are ``quirk`` level.  Scenarios where Chainer knowingly departs
from its documentation, and the reference follows the documentation, are
left out: resuming a MultistepShift or WarmupShift, ``snapshot(autoload=True)``
(see test_resume.py, test_shift_schedules.py) and the hardening of damaged
loads: error messages, atomic loads, unpickling, and the error type of an
unreadable archive (see test_bad_input.py).
"""
import dataclasses
import warnings

import pytest
from hypothesis import example, given, strategies as st

from conformance import diff, loader
from conformance.namespace import Namespace
from conformance.runners import differential as runner
from conformance.runners import optim as optim_runner
from conformance.runners import names as names_runner
from conformance.runners import schedules as schedules_runner
from conformance.runners import trainer as trainer_runner
from conformance.spec import rule
from conformance.strategies import optim as optim_scenarios
from conformance.strategies import snapshot as snapshot_scenarios
from conformance.strategies import trainer as trainer_scenarios
from conformance.strategies.frozen import frozen_scenarios, toggling_scenarios
from conformance.strategies.hooks import hook_order_scenarios
from conformance.strategies.hyperparameters import (
    mixed_hyperparameter_ops, scheduled_updates)

FAMILY = 'differential'


@pytest.fixture(scope='session')
def reference_ns(impl):
    """The reference's namespace; the family is skipped when it is the
    implementation under test."""
    reference = loader.load_implementation('reference')
    if impl.module is reference.module:
        pytest.skip('the implementation under test is the reference: the differential '
                    'family would compare it with itself (run it with --impl=<other>)')
    return Namespace(reference.module)


def assert_same_trace(ns, reference_ns, run, scenario):
    """Run ``run(ns, scenario)`` on both and compare the traces."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        actual = run(ns, scenario)
        expected = run(reference_ns, scenario)
    message = diff.side_by_side(actual, expected)
    if message is not None:
        raise AssertionError(f'{message}\n  scenario: {scenario}')


# --- trainer ---------------------------------------------------------------------

@rule(FAMILY, level='quirk',
      source='chainer/training/trainer.py:Trainer.extend, Trainer.run@v7.8.1')
@given(scenario=st.one_of(
    trainer_scenarios.precedence_scenarios(),
    st.booleans().flatmap(lambda failing: trainer_scenarios.priority_scenarios(
        failing, before_training=st.booleans())),
    trainer_scenarios.lifecycle_scenarios(prior=st.integers(0, 2), failure=True,
                                          handler_errors=True, runs=st.integers(1, 2),
                                          before_training=st.booleans()),
    trainer_scenarios.lifecycle_scenarios(runs=st.integers(1, 2),
                                          before_training=st.booleans())))
def test_trainer_event_log_matches_the_reference(out_dir, ns, reference_ns, scenario):
    """Extension calls (with what each saw in the observation), trigger
    consultations, updates, initialize/on_error/finalize and the outcome of
    each ``run`` are those of the reference, in the same order."""
    assert_same_trace(ns, reference_ns,
                      lambda ns, s: trainer_runner.run_trainer(ns, out_dir, s), scenario)


@rule(FAMILY, level='quirk',
      source='chainer/training/trainer.py:Trainer.extend, Trainer.get_extension@v7.8.1')
@given(scenario=trainer_scenarios.names_scenarios())
def test_extension_names_match_the_reference(out_dir, ns, reference_ns, scenario):
    """Each registration's name (or error type), the ``name`` attribute it
    leaves, and what ``get_extension`` finds under every name are the
    reference's."""
    probes = runner.name_probes(scenario)
    assert_same_trace(ns, reference_ns,
                      lambda ns, s: names_runner.run_names(ns, out_dir, s, probes), scenario)


SCHEDULES = {
    'schedule': schedules_runner.run_schedule,
    'stop': schedules_runner.run_stop,
    'resumed once': schedules_runner.run_resumed_once,
    'iterator states': schedules_runner.run_iterator_states,
}


def schedule_cases():
    """``(runner name, scenario)``: every trigger, stop trigger and iterator shape."""
    def case(name, scenarios):
        return st.tuples(st.just(name), scenarios)
    return st.one_of(
        case('schedule', trainer_scenarios.interval_scenarios(prior=st.integers(0, 4))),
        case('schedule', trainer_scenarios.interval_scenarios(fractional=True)),
        case('schedule', trainer_scenarios.manual_scenarios()),
        case('schedule', trainer_scenarios.once_scenarios()),
        case('stop', trainer_scenarios.stop_scenarios()),
        case('resumed once', trainer_scenarios.once_scenarios()),
        case('iterator states', trainer_scenarios.iterator_scenarios()))


@rule(FAMILY, level='quirk',
      source='chainer/training/triggers/{interval_trigger,manual_schedule_trigger,once_trigger}'
             '.py:__call__@v7.8.1')
@given(case=schedule_cases())
def test_trigger_schedules_match_the_reference(out_dir, ns, reference_ns, case):
    """Interval, manual-schedule and once triggers fire (and report
    ``finished``) at the same calls, stop triggers stop at the same
    iteration and the updater walks the data with the same states as the
    reference."""
    name, scenario = case
    assert_same_trace(ns, reference_ns,
                      lambda ns, s: SCHEDULES[name](ns, out_dir, s), scenario)


# --- optimizers ------------------------------------------------------------------

@rule(FAMILY, level='quirk',
      source='chainer/optimizer.py:GradientMethod.update, UpdateRule.update@v7.8.1')
@given(scenario=st.one_of(optim_scenarios.update_scenarios(hooks=True, fp32=True),
                          scheduled_updates(), frozen_scenarios(), toggling_scenarios()))
def test_update_traces_match_the_reference(out_dir, ns, reference_ns, scenario):
    """After setup and after every ``update()``: each parameter, gradient,
    rule ``t`` and state array bit for bit, ``optimizer.t`` and each link's
    ``update_enabled`` are the reference's, whatever the optimizer, dtype,
    hooks, frozen parameters and hyperparameter changes."""
    assert_same_trace(ns, reference_ns, optim_runner.run_updates, scenario)


@rule(FAMILY, level='quirk',
      source='chainer/optimizer.py:_Hookable.add_hook, GradientMethod.update@v7.8.1')
@given(case=hook_order_scenarios())
def test_hook_call_logs_match_the_reference(out_dir, ns, reference_ns, case):
    """Optimizer and rule hooks are called in the same order, with the same
    ``t`` and parameters, as in the reference."""
    assert_same_trace(ns, reference_ns,
                      lambda ns, c: optim_runner.run_hook_log(ns, *c), case)


@rule(FAMILY, level='quirk',
      source='chainer/optimizer.py:Hyperparameter, HyperparameterProxy@v7.8.1')
@given(case=mixed_hyperparameter_ops())
def test_hyperparameter_readings_match_the_reference(out_dir, ns, reference_ns, case):
    """After each set or delete, every hyperparameter read from the
    optimizer, its ``hyperparam`` and each rule (attribute and
    ``get_dict()``) has the reference's value and type."""
    assert_same_trace(ns, reference_ns,
                      lambda ns, c: optim_runner.run_hyperparameter_ops(ns, *c), case)


# --- snapshots ---------------------------------------------------------------------

@rule(FAMILY, level='quirk', source='chainer/training/trainer.py:Trainer.serialize@v7.8.1')
@given(case=st.one_of(
    st.tuples(st.just(False), snapshot_scenarios.training_scenarios(
        kinds=snapshot_scenarios.SHIFT_KINDS)),
    # Only the shifts whose resume Chainer gets right, type included (see the
    # module docstring and snapshot_scenarios.TYPED_RESUME_KINDS).
    st.tuples(st.just(True), snapshot_scenarios.training_scenarios(
        kinds=snapshot_scenarios.TYPED_RESUME_KINDS))))
def test_training_runs_and_snapshots_match_the_reference(out_dir, ns, reference_ns, case):
    """A trainer with shifts and recording extensions, trained to N
    uninterrupted or resumed from a snapshot at k: the hyperparameters of
    every update, the extension calls and the final snapshot content (keys,
    dtypes, shapes, bytes) are the reference's."""
    assert_same_trace(ns, reference_ns, lambda ns, c: runner.training(ns, out_dir, c), case)


def round_trip_cases():
    small = snapshot_scenarios.small_scenarios()
    unshuffled = snapshot_scenarios.iterator_specs.map(
        lambda spec: dataclasses.replace(spec, shuffle=False))   # the order is random
    return st.one_of(
        st.tuples(st.just('trigger'), snapshot_scenarios.trigger_specs, small, st.integers(0, 6)),
        st.tuples(st.just('iterator'), unshuffled, st.none(), st.integers(0, 6)),
        st.tuples(st.just('optimizer'), st.none(), small, st.integers(1, 4)))


@rule(FAMILY, level='quirk', source='chainer/serializers/npz.py:save_npz, load_npz@v7.8.1')
@given(case=round_trip_cases())
def test_round_trip_contents_match_the_reference(out_dir, ns, reference_ns, case):
    """What a used trigger, iterator or optimizer saves, and what a fresh
    one holds after loading it, are the reference's, key for key."""
    assert_same_trace(ns, reference_ns, lambda ns, c: runner.round_trip(ns, out_dir, c), case)


@rule(FAMILY, level='quirk', source='chainer/serializers/npz.py:NpzDeserializer.__call__@v7.8.1')
@example(case=snapshot_scenarios.RESHAPED_LAST_VALUE_EXAMPLE)
@given(case=snapshot_scenarios.bad_inputs(kinds=('drop', 'reshape', 'retype')))
def test_damaged_snapshot_loads_match_the_reference(out_dir, ns, reference_ns, case):
    """A snapshot with a key dropped, or a value of the wrong shape or dtype
    kind, fails with the reference's error type, or loads (a guessed
    trigger position) with the same warning and content."""
    assert_same_trace(ns, reference_ns, lambda ns, c: runner.damaged_load(ns, out_dir, c), case)
