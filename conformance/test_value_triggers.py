"""When the best-value triggers and ``TimeTrigger`` fire and when
``EarlyStoppingTrigger`` stops a run, also across a resume (family
'value-triggers'; the resume properties in 'resume').

A scenario reports ``main/<monitor>`` = ``values[i]`` at update ``i + 1``
(nothing where ``None``); ``TimeTrigger`` runs on a trainer whose
``elapsed_time`` is a generated clock; the model is
``conformance/models/observation.py`` (SEMANTICS C8, C9, C10, M8).
"""
import dataclasses
import re

import pytest
from hypothesis import example, given, strategies as st

from conformance import harness
from conformance.diff import model_mismatch
from conformance.models import observation as model
from conformance.runners import observation as runner
from conformance.spec import diverges, rule
from conformance.strategies import observation as scenarios

BEST_SOURCE = ('chainer/training/triggers/minmax_value_trigger.py:BestValueTrigger.__call__'
               '@v7.8.1 (SEMANTICS C8)')
EARLY_SOURCE = ('chainer/training/triggers/early_stopping_trigger.py:'
                'EarlyStoppingTrigger.__call__@v7.8.1 (SEMANTICS C9)')


def expected_best(scenario):
    return model.best_value_firings(scenario.values, scenario.states()[1:],
                                    scenarios.COMPARES[scenario.kind], scenario.check)


@rule('value-triggers', source=BEST_SOURCE)
@given(scenario=scenarios.best_value_scenarios())
def test_best_value_triggers_fire_where_the_interval_mean_strictly_beats_the_best(
        out_dir, ns, scenario):
    """``MinValueTrigger``/``MaxValueTrigger``/``BestValueTrigger(key,
    compare)`` fire when their interval trigger fires and the mean of the key
    over the interval is the first one or strictly better than the best so
    far (which it then becomes); the saved ``best_value`` is the last best."""
    fired, best, _, _ = runner.run_best_value(ns, out_dir, scenario, scenarios.custom_compare)
    expected_fired, expected_value = expected_best(scenario)
    assert fired == expected_fired, model_mismatch(
        scenario, expected_fired, fired, f'{scenario.kind} value trigger firings')
    assert best == expected_value, (f'best_value {best!r}, expected {expected_value!r}\n'
                                    f'  {scenario}')


def with_tail(scenario):
    """Values and updater states long enough for a run the max trigger ends."""
    count = max(scenario.iterations, scenario.max_trigger[0]) + 1
    values = list(scenario.values) + [None] * (count - scenario.iterations)
    return values, scenario.states(count)


def expected_stop(scenario, start=0, as_documented=False, with_patience_epoch=False):
    values, states = with_tail(scenario)
    greater = model.mode_compare(scenario.mode, scenario.monitor)(1, 0)
    return model.early_stopping_stop(values[start:], states[start:], scenario.check,
                                     scenario.max_trigger, scenario.patience, greater,
                                     as_documented, with_patience_epoch)


@rule('value-triggers', source=EARLY_SOURCE)
@given(scenario=scenarios.early_stopping_scenarios(), verbose=st.booleans())
def test_early_stopping_trigger_stops_the_run_where_patience_runs_out(
        out_dir, ns, scenario, verbose):
    """As the stop trigger, ``EarlyStoppingTrigger(check_trigger, monitor,
    patience, mode, max_trigger, verbose)`` ends the run after ``patience``
    consecutive checks whose interval mean is not strictly better than the
    best (greater is better for ``'max'``, or in ``'auto'`` when
    ``'accuracy'`` is in the monitor's name), or when ``max_trigger`` fires.
    ``verbose`` prints ``early stopping: operator is greater`` (or ``less``)
    when built, and ``Epoch <epoch>: early stopping`` where patience stops
    the run; nothing otherwise."""
    expected, epoch = expected_stop(scenario, with_patience_epoch=True)
    stopped, printed = runner.run_early_stopping(ns, out_dir, scenario, verbose=verbose)
    assert stopped == expected, (f'the run stopped after {stopped} updates, expected '
                                 f'{expected}\n  {scenario}')
    greater = model.mode_compare(scenario.mode, scenario.monitor)(1, 0)
    want = (f'early stopping: operator is {"greater" if greater else "less"}\n'
            + ('' if epoch is None else f'Epoch {epoch}: early stopping\n')) if verbose else ''
    assert printed == want, (f'verbose={verbose} printed {printed!r}, expected {want!r}'
                             f'\n  {scenario}')


PATIENCE_SOURCE = EARLY_SOURCE.replace('__call__', '__init__')
BOTH_PATIENCES = ("Both 'patience' and 'patients' arguments are specified. 'patients' is an "
                  "alias of the former. Specify only 'patience'.")


@rule('value-triggers', source=PATIENCE_SOURCE)
@given(scenario=scenarios.early_stopping_scenarios(), patience_as=st.sampled_from(
    ('patients', 'default', 'both')))
def test_early_stopping_patients_is_the_old_name_of_patience(out_dir, ns, scenario,
                                                             patience_as):
    """``patients`` (the old name) acts as ``patience``; without either the
    patience is 3; with both the constructor raises ``TypeError`` with
    Chainer's message."""
    build = ns.training.triggers.EarlyStoppingTrigger
    if patience_as == 'both':
        with pytest.raises(TypeError) as error:    # a keyword refused as unknown: a lack
            harness.call_with('training.triggers.EarlyStoppingTrigger', build,
                              patience=scenario.patience, patients=scenario.patience)
        assert str(error.value) == BOTH_PATIENCES, (
            f'EarlyStoppingTrigger(patience=..., patients=...): message\n expected: '
            f'{BOTH_PATIENCES!r}\n got:      {str(error.value)!r}')
        return
    if patience_as == 'default':
        scenario = dataclasses.replace(scenario, patience=3)
    expected = expected_stop(scenario)
    stopped = runner.run_early_stopping(ns, out_dir, scenario, patience_as=(
        None if patience_as == 'default' else patience_as))
    assert stopped == expected, (
        f'with {"no patience" if patience_as == "default" else "patients=" + str(scenario.patience)}'
        f' the run stopped after {stopped} updates, expected {expected}\n  {scenario}')


def _left_out_defaults(left_out):
    """``(left_out, scenario)``: a scenario checked each epoch when
    ``check_trigger`` is left out, so that its values are there at every
    check (as for the drawn check triggers)."""
    check = (1, 'epoch') if 'check_trigger' in left_out else None
    return st.tuples(st.just(left_out), scenarios.early_stopping_scenarios(check=check))


@rule('value-triggers', source=PATIENCE_SOURCE)
@given(case=st.sets(st.sampled_from(('check_trigger', 'monitor', 'mode')), min_size=1).map(
    sorted).flatmap(_left_out_defaults))
def test_early_stopping_checks_main_loss_each_epoch_by_default(out_dir, ns, case):
    """Left out, ``check_trigger`` is ``(1, 'epoch')``, ``monitor``
    ``'main/loss'`` and ``mode`` ``'auto'``."""
    left_out, scenario = case
    defaults = {'monitor': 'loss', 'mode': 'auto'}
    scenario = dataclasses.replace(scenario, **{k: v for k, v in defaults.items()
                                                if k in left_out})
    expected = expected_stop(scenario)
    stopped = runner.run_early_stopping(ns, out_dir, scenario, left_out=left_out)
    assert stopped == expected, (
        f'with {", ".join(left_out)} left out the run stopped after {stopped} updates, '
        f'expected {expected} (check {scenario.check}, monitor main/{scenario.monitor}, '
        f'mode {scenario.mode!r})\n  {scenario}')


@rule('value-triggers', source=EARLY_SOURCE + ' (SEMANTICS M8)')
@diverges('chainer', reason="a check whose own iteration's observation lacks the monitor is "
          'skipped (a warning; the values carry over), where the docs compare "the mean of the '
          'accumulated values" of the interval', source=EARLY_SOURCE.split(' (')[0])
@given(scenario=scenarios.early_stopping_gap_scenarios())
@example(scenario=scenarios.ValueScenario(n=100, batch_size=1, values=(0.0, 0.0, 0.5, None),
                                          check=(2, 'iteration'), mode='min',
                                          max_trigger=(5, 'iteration')))
def test_early_stopping_compares_the_interval_mean_even_when_the_check_iteration_lacks_it(
        out_dir, ns, scenario):
    """Documented: "At the end of each interval, it computes the mean of the
    accumulated values and compares it to the previous ones"; an interval
    whose last update reported nothing is still compared."""
    expected = expected_stop(scenario, as_documented=True)
    stopped = runner.run_early_stopping(ns, out_dir, scenario)
    assert stopped == expected, (f'the run stopped after {stopped} updates, expected '
                                 f'{expected} (Chainer\'s code: '
                                 f'{expected_stop(scenario)})\n  {scenario}')


# What a BestValueTrigger saves (SEMANTICS C11), besides a Summary per key
# pending in its summary.
BEST_VALUE_KEYS = ('best_value', 'interval_trigger/previous_epoch_detail',
                   'interval_trigger/previous_iteration', 'summary/_names')
SUMMARY_KEY = re.compile(r'summary/_summaries/\d+/(_x|_x2|_n)')


@rule('resume', source=BEST_SOURCE.replace('__call__', 'serialize') + '; '
      'chainer/training/extensions/log_report.py:LogReport.serialize@v7.8.1')
@given(scenario=scenarios.best_value_scenarios())
def test_resumed_best_value_trigger_and_log_report_continue_the_uninterrupted_run(
        out_dir, ns, scenario):
    """Interrupted at a generated iteration, saved with ``save_npz`` and
    loaded into a fresh trainer, the run gives the same firings, the same
    best value and the same ``LogReport.log`` (``elapsed_time`` aside) as
    without the interruption.  The trigger saves Chainer's keys:
    ``best_value``, ``interval_trigger/...`` and ``summary/...``."""
    compare = scenarios.custom_compare
    *whole, keys = runner.run_best_value(ns, out_dir, scenario, compare)
    unexpected = [k for k in keys if k not in BEST_VALUE_KEYS and not SUMMARY_KEY.fullmatch(k)]
    assert set(BEST_VALUE_KEYS) <= set(keys) and not unexpected, (
        f'the trigger saved the keys {keys}; Chainer saves {sorted(BEST_VALUE_KEYS)} and '
        f'summary/_summaries/<i>/(_x|_x2|_n)\n  {scenario}')
    resumed = runner.run_best_value(ns, out_dir, scenario, compare, interrupt_at=scenario.at)
    for what, a, b in zip(('firings', 'best_value', 'log'), whole, resumed):
        assert a == b, model_mismatch(scenario, a if isinstance(a, list) else [a],
                                      b if isinstance(b, list) else [b],
                                      f'{what} after resuming at {scenario.at}')


@rule('resume', source=EARLY_SOURCE + ' (SEMANTICS C11)', level='quirk')
@given(scenario=scenarios.early_stopping_scenarios())
def test_early_stopping_trigger_starts_over_after_a_resume(out_dir, ns, scenario):
    """``EarlyStoppingTrigger`` has no ``serialize``: after a resume from a
    snapshot taken at iteration ``at`` it starts with no best, a zero count
    and fresh interval triggers (which see iteration ``at`` as a crossing
    from 0), so the run stops where a fresh trigger consulted from ``at``
    on stops it."""
    expected = expected_stop(scenario, start=scenario.at)
    stopped = runner.run_early_stopping(ns, out_dir, scenario, interrupt_at=scenario.at)
    assert stopped == expected, (f'the resumed run stopped after {stopped} updates, expected '
                                 f'{expected}\n  {scenario}')


TIME_SOURCE = 'chainer/training/triggers/time_trigger.py:TimeTrigger@v7.8.1 (SEMANTICS C10)'


@rule('value-triggers', source=TIME_SOURCE)
@given(period=scenarios.PERIODS, clock=scenarios.clocks())
def test_time_trigger_fires_once_per_period_of_elapsed_time_catching_up_after_pauses(
        out_dir, ns, period, clock):
    """``TimeTrigger(period)`` fires when ``trainer.elapsed_time`` is
    strictly past its next time, which starts at ``period`` and moves one
    period on per firing (so after a pause of several periods it fires at
    each call until it has caught up).  Only the firings are read: how a
    snapshot stores ``next_time`` is the resume property's."""
    fired, _ = runner.run_time_trigger(ns, out_dir, period, clock, read_next_time=False)
    expected, _ = model.time_trigger_firings(period, clock)
    expected = [i + 1 for i in expected]
    assert fired == expected, model_mismatch(
        clock, expected, fired, f'iterations where TimeTrigger({period}) fired',
        'elapsed time at each update: ' + repr(clock))


@rule('resume', source=TIME_SOURCE.replace('@', '.serialize@'))
@given(period=scenarios.PERIODS, clock=scenarios.clocks().filter(lambda c: len(c) >= 2),
       data=st.data())
def test_resumed_time_trigger_keeps_its_next_time(out_dir, ns, period, clock, data):
    """Interrupted at a generated iteration, saved with ``save_npz`` and
    loaded into a fresh trainer, ``TimeTrigger`` restores ``next_time`` and
    fires where the uninterrupted run's fires; the trainer saves it as
    ``extension_triggers/<name>/next_time``, equal at the end of both runs."""
    at = data.draw(st.integers(1, len(clock) - 1), label='interrupted at')
    whole = runner.run_time_trigger(ns, out_dir, period, clock)
    resumed = runner.run_time_trigger(ns, out_dir, period, clock, interrupt_at=at)
    assert resumed == whole, model_mismatch(
        clock, whole[0], resumed[0], f'TimeTrigger({period}) firings after resuming at {at}',
        f'next_time saved at the end: {resumed[1]!r}, uninterrupted {whole[1]!r}')
