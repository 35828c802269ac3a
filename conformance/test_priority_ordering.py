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
from hypothesis import example, given, strategies as st

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
