"""In which order extensions run, and what each one sees in the
observation (family 'priority-ordering').

Chainer's rule (``Trainer.extend``, ``Trainer.run``): an extension's
priority is the ``priority`` argument of ``extend`` unless ``None``, else
its ``priority`` attribute, else ``PRIORITY_READER``.  ``run`` sorts the
extensions once by descending priority (a stable sort: equal priorities keep
registration order) and uses that order for ``initialize``, the
before-training calls, every iteration, ``on_error`` and ``finalize``.  Each
iteration starts a fresh observation that the update and then the
extensions report into.  The model: ``conformance/models/extensions.py``
(``priority``) and ``trainer.py``.
"""
import warnings

import numpy
import pytest
from hypothesis import example, given, strategies as st

from conformance import harness
from conformance.diff import model_mismatch
from conformance.models.extensions import priority
from conformance.models.trainer import trainer_run
from conformance.runners import trainer as runner
from conformance.spec import rule
from conformance.strategies import trainer as scenarios

RUN_SOURCE = 'chainer/training/trainer.py:Trainer.run@v7.8.1'

_Spec, _Trigger = scenarios.ExtensionSpec, scenarios.TriggerSpec
#: ``extend(priority=0)`` over an attribute of 300, next to a plain reader: 0
#: is a priority, not "not given"; a negative one runs after it.
ZERO_PRIORITY_EXAMPLE = scenarios.TrainerScenario(extensions=(
    _Spec(form='function', own_priority=300, extend_priority=0,
          extend_trigger=_Trigger('tuple', period=1)),
    _Spec(form='lambda', extend_trigger=_Trigger('tuple', period=1)),
    _Spec(form='make_extension', own_priority=scenarios.EXPLICIT_NONE, extend_priority=-5,
          extend_trigger=_Trigger('tuple', period=1))), stop=1)
#: ``make_extension(priority=None)`` is ``PRIORITY_READER``: a tie with a
#: reader registered earlier, ahead of a priority of 99.
EXPLICIT_NONE_EXAMPLE = scenarios.TrainerScenario(extensions=(
    _Spec(form='lambda', extend_trigger=_Trigger('tuple', period=1)),
    _Spec(form='make_extension', own_priority=scenarios.EXPLICIT_NONE,
          extend_trigger=_Trigger('tuple', period=1)),
    _Spec(form='function', own_priority=99, extend_trigger=_Trigger('tuple', period=1))),
    stop=1)


# --- projections of the event log ---------------------------------------------

# These scenarios start from a fresh updater: a call at iteration 0 is a
# before-training call, any other a call of the loop (``is_before_training``
# is not read: only the lifecycle properties pin it).

def loop_calls(events, with_observation=False):
    return [e[1:3] + (e[4:] if with_observation else ())
            for e in events if e[0] == 'call' and e[2] > 0]


def hook_events(events):
    """Everything but the main loop: initialize, before-training calls,
    on_error, finalize."""
    return [e for e in events
            if e[0] in ('init', 'on_error', 'finalize', 'updater.finalize')
            or (e[0] == 'call' and e[2] == 0)]


def priorities_of(scenario):
    return 'priorities: ' + ', '.join(
        f'{runner.label(i)}={priority(spec)}' for i, spec in enumerate(scenario.extensions))


# --- properties ---------------------------------------------------------------

@rule('priority-ordering', source=RUN_SOURCE)
@example(scenario=ZERO_PRIORITY_EXAMPLE)
@example(scenario=EXPLICIT_NONE_EXAMPLE)
@given(scenario=scenarios.priority_scenarios())
def test_extensions_run_in_descending_priority_with_ties_in_registration_order(
        out_dir, ns, scenario):
    """Within each iteration the extensions whose trigger fires run by
    descending priority (``extend(priority=...)`` over the attribute over
    ``PRIORITY_READER``), equal priorities in registration order."""
    expected = loop_calls(trainer_run(scenario))
    actual = loop_calls(runner.run_trainer(ns, out_dir, scenario))
    assert actual == expected, model_mismatch(
        scenario, expected, actual, 'calls (label, iteration)', priorities_of(scenario))


@rule('priority-ordering', source=RUN_SOURCE)
@given(scenario=scenarios.priority_scenarios())
def test_a_reader_sees_what_writers_reported_earlier_in_the_same_iteration(
        out_dir, ns, scenario):
    """The observation an extension sees holds this iteration's update
    report and the reports of the extensions called before it in this
    iteration, and nothing from earlier iterations."""
    expected = loop_calls(trainer_run(scenario), with_observation=True)
    actual = loop_calls(runner.run_trainer(ns, out_dir, scenario), with_observation=True)
    assert actual == expected, model_mismatch(
        scenario, expected, actual, 'calls (label, iteration, observation seen)',
        priorities_of(scenario))


@rule('priority-ordering', source=RUN_SOURCE, level='quirk')
@given(scenario=st.booleans().flatmap(lambda failing: scenarios.priority_scenarios(
    failing, before_training=st.booleans())))
def test_initialize_before_training_on_error_and_finalize_use_the_call_order(
        out_dir, ns, scenario):
    """``initialize``, the before-training calls (which share one fresh
    observation), ``on_error`` and ``finalize`` all follow the per-iteration
    call order; ``updater.finalize`` comes last."""
    expected = hook_events(trainer_run(scenario))
    actual = hook_events(runner.run_trainer(ns, out_dir, scenario))
    assert actual == expected, model_mismatch(
        scenario, expected, actual, 'lifecycle events', priorities_of(scenario))


@rule('priority-ordering', source=RUN_SOURCE, level='quirk')
@given(scenario=scenarios.priority_scenarios())
def test_stop_trigger_sees_the_previous_iterations_observation(out_dir, ns, scenario):
    """The stop trigger is consulted before each update, so it sees the
    observation of the iteration before (the before-training one first)."""
    expected = [e for e in trainer_run(scenario) if e[0] == 'stop?']
    actual = [e for e in runner.run_trainer(ns, out_dir, scenario) if e[0] == 'stop?']
    assert actual == expected, model_mismatch(
        scenario, expected, actual, 'stop trigger calls (iteration, observation)',
        priorities_of(scenario))


# --- the built-in extensions' own defaults --------------------------------------------

EXT = 'chainer/training/extensions/{}@v7.8.1'
#: built-in extension -> (how to build it from ``ns``, a link with one
#: parameter and a non-repeating iterator; the trigger, priority and name
#: ``Trainer.extend`` takes from it when given none), as Chainer 7.8.1's
#: classes and ``make_extension`` calls set them (``trigger``, ``priority``,
#: ``default_name``; Extension's defaults (1, 'iteration'), PRIORITY_READER
#: and the class name otherwise).
BUILT_IN_DEFAULTS = {
    'LogReport': (lambda E, link, it: E.LogReport(), (1, 'iteration'), 100, 'LogReport'),
    'PrintReport': (lambda E, link, it: E.PrintReport(['epoch']), (1, 'iteration'), 100,
                    'PrintReport'),
    'ProgressBar': (lambda E, link, it: E.ProgressBar(), (1, 'iteration'), 100, 'ProgressBar'),
    'Evaluator': (lambda E, link, it: E.Evaluator(it, link), (1, 'epoch'), 300, 'validation'),
    'ExponentialShift': (lambda E, link, it: E.ExponentialShift('lr', 0.5), (1, 'iteration'),
                         100, 'ExponentialShift'),
    'MultistepShift': (lambda E, link, it: E.MultistepShift('lr', 0.5, [1, 2], 0.1),
                       (1, 'iteration'), 100, 'MultistepShift'),
    'observe_lr': (lambda E, link, it: E.observe_lr(), (1, 'epoch'), 300, '_observe_value'),
    'observe_value': (lambda E, link, it: E.observe_value('x', lambda trainer: 0),
                      (1, 'epoch'), 300, '_observe_value'),
    'snapshot': (lambda E, link, it: E.snapshot(), (1, 'epoch'), -100, '_Snapshot'),
    'snapshot_object': (lambda E, link, it: E.snapshot_object(link, 'x'), (1, 'epoch'), -100,
                        '_Snapshot'),
    'FailOnNonNumber': (lambda E, link, it: E.FailOnNonNumber(), (1, 'iteration'), 100,
                        'FailOnNonNumber'),
    'ParameterStatistics': (lambda E, link, it: E.ParameterStatistics(link), (1, 'iteration'),
                            300, 'parameter_statistics'),
    'PlotReport': (lambda E, link, it: E.PlotReport(['x']), (1, 'iteration'), 100,
                   'PlotReport'),
    'VariableStatisticsPlot': (lambda E, link, it: E.VariableStatisticsPlot(link),
                               (1, 'iteration'), 100, 'VariableStatisticsPlot'),
    'MicroAverage': (lambda E, link, it: E.MicroAverage('a', 'b', 'c'), (1, 'iteration'), 200,
                     'MicroAverage'),
}


@rule('priority-ordering', source='chainer/training/trainer.py:Trainer.extend@v7.8.1; '
      + EXT.format('evaluator.py:Evaluator') + '; ' + EXT.format('_snapshot.py:_Snapshot')
      + '; ' + EXT.format('value_observation.py:observe_value') + '; '
      + EXT.format('parameter_statistics.py:ParameterStatistics') + '; '
      + EXT.format('micro_average.py:MicroAverage'))
@pytest.mark.parametrize('extension', sorted(BUILT_IN_DEFAULTS))
def test_a_built_in_extension_registers_with_chainers_trigger_priority_and_name(
        out_dir, ns, extension):
    """Registered without a trigger, priority or name, a built-in extension
    runs on its own ``trigger``, at its own ``priority`` and under its own
    name, Chainer's: ``Evaluator`` each epoch as a writer named
    ``validation``; the snapshots each epoch at -100; ``observe_value``'s
    each epoch as writers; ``ParameterStatistics`` as a writer named
    ``parameter_statistics``; ``MicroAverage`` as an editor; the others
    every iteration as readers under their class names."""
    import matplotlib
    matplotlib.use('Agg')
    build, trigger, priority, name = BUILT_IN_DEFAULTS[extension]
    link = ns.Link()
    with link.init_scope():
        link.w = ns.Parameter(numpy.zeros(2, dtype=numpy.float32))
    iterator = ns.iterators.SerialIterator(numpy.zeros((4, 1), numpy.float32), 2,
                                           repeat=False)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        built = build(ns.training.extensions, link, iterator)
    got_trigger = getattr(built, 'trigger', (1, 'iteration'))
    if isinstance(got_trigger, (tuple, list)):
        got_trigger = tuple(got_trigger)
    elif hasattr(got_trigger, 'period') and hasattr(got_trigger, 'unit'):   # IntervalTrigger
        got_trigger = (got_trigger.period, got_trigger.unit)
    got_priority = getattr(built, 'priority', ns.training.PRIORITY_READER)
    assert (got_trigger, got_priority) == (trigger, priority), (
        f'{extension}: (trigger, priority) {(got_trigger, got_priority)}, expected '
        f'{(trigger, priority)}')
    trainer = harness.make_trainer(ns, out_dir, stop=(1, 'iteration'))
    trainer.extend(built)
    try:
        registered = trainer.get_extension(name)
    except ValueError:
        registered = None
    assert registered is built, (
        f'{extension} registered without a name is not found under {name!r}')
