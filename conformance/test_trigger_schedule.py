"""When the built-in triggers fire, and how the updater walks the data
(family 'trigger-schedule').

The model follows Chainer's own floating-point arithmetic: ``epoch_detail``
is ``epoch + position / len(dataset)`` as ``SerialIterator`` computes it,
and ``IntervalTrigger`` fires iff ``previous // period != current //
period``.  Exact rationals would disagree with Chainer for fractional epoch
periods (``0.3 // 0.1 == 2.0``).  The models: ``conformance/models/triggers.py``,
``iterator.py``, ``trainer.py`` (the stop trigger) and ``updater.py``.
"""
from hypothesis import example, given, strategies as st

from conformance.diff import model_mismatch
from conformance.models.iterator import updater_states
from conformance.models.trainer import stop_iteration
from conformance.models.triggers import interval_firings, manual_firings
from conformance.models.updater import updater_run
from conformance.runners import schedules as runner
from conformance.runners import updater as updater_runner
from conformance.spec import rule
from conformance.strategies import trainer as scenarios

INTERVAL_SOURCE = 'chainer/training/triggers/interval_trigger.py:IntervalTrigger.__call__@v7.8.1'


def consulted_states(scenario):
    """The states at which a trigger registered on this trainer is consulted."""
    start = scenario.prior_iterations
    states = updater_states(scenario.n, scenario.batch_size, start + scenario.iterations)
    return states[start + 1:]


def details(states):
    return [(s[0], s[2]) for s in states]


# --- IntervalTrigger --------------------------------------------------------------

def check_interval(out_dir, ns, scenario):
    states = consulted_states(scenario)
    spec = scenario.trigger
    fired = interval_firings(spec.period, spec.unit, states)
    expected = [(s[0], f, None) for s, f in zip(states, fired)]
    actual = runner.run_schedule(ns, out_dir, scenario)
    assert actual == expected, model_mismatch(
        scenario, expected, actual,
        'IntervalTrigger calls (iteration, fired, finished)',
        context=f'(iteration, epoch_detail) at the calls: {details(states)}')


@rule('trigger-schedule', source=INTERVAL_SOURCE)
@given(scenario=scenarios.interval_scenarios())
def test_interval_trigger_fires_where_an_integer_period_boundary_is_crossed(
        out_dir, ns, scenario):
    """``IntervalTrigger(k, unit)`` for an integer ``k`` fires exactly at the
    calls where ``iteration // k`` (or ``epoch_detail // k``) changes."""
    check_interval(out_dir, ns, scenario)


@rule('trigger-schedule', source=INTERVAL_SOURCE, level='quirk')
@given(scenario=scenarios.interval_scenarios(fractional=True))
# The catalogue's C3 case: float floor division skips iterations 3, 5, 9, ...
@example(scenario=scenarios.ScheduleScenario(
    n=10, batch_size=1, iterations=20, trigger=scenarios.IntervalSpec(0.1, 'epoch')))
def test_fractional_epoch_interval_fires_where_float_floor_division_changes(
        out_dir, ns, scenario):
    """A fractional epoch period fires where ``epoch_detail // period``
    changes in floating point, skipping firings where float floor division
    does (``(0.1, 'epoch')`` with 10 samples skips iteration 3)."""
    check_interval(out_dir, ns, scenario)


@rule('trigger-schedule', source=INTERVAL_SOURCE, level='quirk')
@given(scenario=scenarios.interval_scenarios(prior=st.integers(1, 6)))
def test_interval_trigger_fires_once_on_its_first_call_after_a_jump(out_dir, ns, scenario):
    """A fresh ``IntervalTrigger`` remembers iteration 0 / epoch 0.0, so on an
    updater that already ran it fires at its first call if a boundary lies
    between 0 and the current position (edge-triggered, at most once)."""
    check_interval(out_dir, ns, scenario)


@rule('trigger-schedule', source=INTERVAL_SOURCE + '; chainer/training/triggers/'
      'manual_schedule_trigger.py:ManualScheduleTrigger.__call__@v7.8.1')
@given(scenario=scenarios.interval_scenarios() | scenarios.manual_scenarios(),
       mask=st.lists(st.booleans(), min_size=25, max_size=25))
def test_a_trigger_consulted_on_some_iterations_catches_up_at_its_next_call(
        out_dir, ns, scenario, mask):
    """``IntervalTrigger`` and ``ManualScheduleTrigger`` remember the position
    of their previous call, not of the previous iteration: a trigger that is
    asked only now and then (by a user's trigger that wraps it) fires at its
    first call after a boundary or point was passed, once."""
    states = [s for s, asked in zip(consulted_states(scenario), mask) if asked]
    spec = scenario.trigger
    if isinstance(spec, scenarios.IntervalSpec):
        fired = interval_firings(spec.period, spec.unit, states)
        expected = [(s[0], f, None) for s, f in zip(states, fired)]
    else:
        expected = manual_firings(spec.points, spec.unit, states)
    actual = runner.run_schedule(ns, out_dir, scenario, consult_at={s[0] for s in states})
    assert actual == expected, model_mismatch(
        scenario, expected, actual, 'trigger calls (iteration, fired, finished)',
        context=f'asked at (iteration, epoch_detail): {details(states)}')


# --- ManualScheduleTrigger and OnceTrigger -------------------------------------

@rule('trigger-schedule',
      source='chainer/training/triggers/manual_schedule_trigger.py:'
             'ManualScheduleTrigger.__call__@v7.8.1')
@given(scenario=scenarios.manual_scenarios())
def test_manual_schedule_trigger_fires_at_its_points_then_reports_finished(
        out_dir, ns, scenario):
    """``ManualScheduleTrigger(points, unit)`` fires at the calls that reach
    or pass a point, once per call, and is ``finished`` from the call that
    fires for the last point on."""
    states = consulted_states(scenario)
    expected = manual_firings(scenario.trigger.points, scenario.trigger.unit, states)
    actual = runner.run_schedule(ns, out_dir, scenario)
    assert actual == expected, model_mismatch(
        scenario, expected, actual,
        'ManualScheduleTrigger calls (iteration, fired, finished)',
        context=f'(iteration, epoch_detail) at the calls: {details(states)}')


@rule('trigger-schedule',
      source='chainer/training/triggers/once_trigger.py:OnceTrigger@v7.8.1')
@given(scenario=scenarios.once_scenarios())
def test_once_trigger_fires_at_its_first_call_only(out_dir, ns, scenario):
    """A fresh ``OnceTrigger`` fires at its first call (after the first
    update of the run), never again, and is ``finished`` from then on,
    whatever ``call_on_resume`` says."""
    first = scenario.prior_iterations + 1
    expected = [(it, it == first, True) for it in range(first, first + scenario.iterations)]
    actual = runner.run_schedule(ns, out_dir, scenario)
    assert actual == expected, model_mismatch(
        scenario, expected, actual, 'OnceTrigger calls (iteration, fired, finished)')


@rule('trigger-schedule',
      source='chainer/training/triggers/once_trigger.py:OnceTrigger@v7.8.1')
@given(scenario=scenarios.once_scenarios())
@example(scenario=scenarios.ScheduleScenario(
    n=4, batch_size=1, iterations=3, trigger=scenarios.OnceSpec(None), prior_iterations=2))
def test_restored_once_trigger_fires_again_only_with_call_on_resume(out_dir, ns, scenario):
    """An ``OnceTrigger`` restored from a snapshot taken after it fired fires
    once more (and its extension is initialized) iff ``call_on_resume``,
    which is False by default; one restored from a snapshot taken before its
    first call still fires once."""
    fires = scenario.prior_iterations == 0 or scenario.trigger.call_on_resume is True
    expected = (fires, [scenario.prior_iterations + 1] if fires else [])
    actual = runner.run_resumed_once(ns, out_dir, scenario)
    assert actual == expected, (
        f'restored OnceTrigger: expected (initialized, fired at) = {expected}, '
        f'got {actual}\n  scenario: {scenario}')


# --- the stop trigger ----------------------------------------------------------

@rule('trigger-schedule', source='chainer/training/trainer.py:Trainer.run@v7.8.1')
@given(scenario=scenarios.stop_scenarios())
def test_stop_trigger_gives_exactly_the_updates_it_names(out_dir, ns, scenario):
    """With ``stop_trigger=(k, unit)`` the loop updates until the iteration
    count (or ``epoch_detail``) reaches ``k``: none at all when the updater
    has already reached it, as the stop trigger is consulted before each
    update."""
    spec = scenario.trigger
    start = scenario.prior_iterations
    end = stop_iteration(spec.period, spec.unit, scenario.n, scenario.batch_size, start)
    expected = list(range(start + 1, end + 1))
    actual = runner.run_stop(ns, out_dir, scenario)
    assert actual == expected, model_mismatch(
        scenario, expected, actual, 'iterations run under the stop trigger')


# --- the updater and its iterator ------------------------------------------------

@rule('trigger-schedule',
      source='chainer/iterators/serial_iterator.py:SerialIterator.__next__@v7.8.1')
@given(scenario=scenarios.iterator_scenarios())
def test_updater_state_follows_the_serial_iterator(out_dir, ns, scenario):
    """After each update, ``iteration``, ``epoch``, ``epoch_detail``,
    ``previous_epoch_detail`` (``None`` before the first), ``is_new_epoch``
    (true for a batch that reaches or crosses an epoch end),
    ``optimizer.epoch`` and the batch (wrapping around into the next epoch;
    one short last batch without ``repeat``) are those of Chainer's
    ``SerialIterator`` with ``shuffle=False``."""
    updates = scenario.iterations
    if not scenario.repeat:
        updates = stop_iteration(1, 'epoch', scenario.n, scenario.batch_size, 0)
    expected = updater_states(scenario.n, scenario.batch_size, updates, scenario.repeat)
    actual = runner.run_iterator_states(ns, out_dir, scenario)
    assert actual == expected, model_mismatch(
        scenario, expected, actual,
        'states (iteration, epoch, epoch_detail, previous_epoch_detail, '
        'is_new_epoch, optimizer.epoch, batch)')


UPDATE_SOURCE = ('chainer/training/updaters/standard_updater.py:'
                 'StandardUpdater.update_core@v7.8.1')


@rule('trigger-schedule', source=UPDATE_SOURCE)
@given(scenario=scenarios.updater_scenarios())
def test_each_update_passes_the_converted_main_batch_to_the_loss_by_its_form(
        out_dir, ns, scenario):
    """Each update converts the next batch of iterator ``'main'`` with
    ``converter(batch, input_device)`` (``None`` when neither ``device`` nor
    ``input_device`` is given) and calls ``loss_func`` (by default the main
    optimizer's target) with a tuple as positional arguments, a dict as
    keyword arguments and anything else as one argument; ``optimizer.epoch``
    follows the main iterator's epochs unless ``auto_new_epoch=False``; the
    trainer observes each optimizer's target as ``<name>`` and its links as
    ``<name>/<path>``; ``iteration`` and the iterators survive a save."""
    trace = updater_runner.run_updater(ns, out_dir, scenario, built=False)
    expected = updater_run(scenario)
    for part, value in expected.items():
        actual = trace[part]
        if isinstance(value, list):
            assert actual == value, model_mismatch(scenario, value, actual, part)
        else:
            assert actual == value, (
                f'{part}: expected {value!r}, got {actual!r}\n  scenario: {scenario}')
