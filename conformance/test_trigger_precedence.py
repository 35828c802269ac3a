"""Which trigger decides when an extension runs (family 'trigger-precedence').

Chainer's rule (``Trainer.extend`` and ``get_trigger``): the ``trigger``
argument of ``extend`` unless it is ``None``; else the extension's
``trigger`` attribute if it has one; else ``(1, 'iteration')``.  The result
goes through ``get_trigger``: a callable is used as it is, ``None`` never
fires, anything else becomes an ``IntervalTrigger``.  ``make_extension``
turns ``trigger=None`` into ``(1, 'iteration')``.  The model:
``conformance/models/extensions.py`` (``chosen_trigger``) and ``trainer.py``.
"""
from hypothesis import given, strategies as st

from conformance import harness
from conformance.diff import model_mismatch
from conformance.models.trainer import trainer_run
from conformance.runners import trainer as runner
from conformance.spec import rule
from conformance.strategies import trainer as scenarios
from conformance.strategies.trainer import ExtensionSpec, TrainerScenario, TriggerSpec

EXTEND_SOURCE = 'chainer/training/trainer.py:Trainer.extend@v7.8.1'


def predicted(scenario):
    """Extension calls ``(label, iteration)`` and callable-trigger
    consultations ``(label, role, iteration)``, in order, by the model of
    ``Trainer.run``."""
    return observed(trainer_run(scenario))


def observed(events):
    calls = [(e[1], e[2]) for e in events if e[0] == 'call']
    consulted = [e[1:] for e in events if e[0] == 'trigger']
    return calls, consulted


# --- properties ---------------------------------------------------------------

@rule('trigger-precedence', source=EXTEND_SOURCE)
@given(scenario=scenarios.precedence_scenarios())
def test_extension_runs_where_the_trigger_chosen_by_precedence_fires(out_dir, ns, scenario):
    """The iterations at which each extension runs are exactly the firings
    of the trigger the precedence rule picks, whatever the extension's form
    (lambda, function, ``make_extension``, ``Extension`` subclass)."""
    expected_calls, _ = predicted(scenario)
    actual_calls, _ = observed(runner.run_trainer(ns, out_dir, scenario))
    assert actual_calls == expected_calls, model_mismatch(
        scenario, expected_calls, actual_calls, 'extension calls (label, iteration)')


@rule('trigger-precedence', source=EXTEND_SOURCE)
@given(scenario=scenarios.precedence_scenarios())
def test_only_the_chosen_trigger_is_consulted_once_per_iteration_after_the_update(
        out_dir, ns, scenario):
    """A callable trigger that wins precedence is called exactly once per
    iteration, after the update (it sees iterations 1, 2, ...); one that
    loses (an attribute overridden by ``extend``) is never called."""
    _, expected = predicted(scenario)
    _, actual = observed(runner.run_trainer(ns, out_dir, scenario))
    assert actual == expected, model_mismatch(
        scenario, expected, actual, 'trigger consultations (label, role, iteration)')


@rule('trigger-precedence', source=EXTEND_SOURCE)
@given(stop=st.integers(1, 6), forms=st.lists(st.sampled_from(('lambda', 'function')),
                                             min_size=1, max_size=3))
def test_plain_function_runs_every_iteration(out_dir, ns, stop, forms):
    """A function or lambda without a ``trigger`` attribute, registered with
    no trigger, runs at every iteration."""
    scenario = TrainerScenario(extensions=tuple(ExtensionSpec(form=f) for f in forms),
                               stop=stop)
    expected = [(runner.label(i), it) for it in range(1, stop + 1) for i in range(len(forms))]
    actual, _ = observed(runner.run_trainer(ns, out_dir, scenario))
    assert actual == expected, model_mismatch(scenario, expected, actual, 'extension calls')


@rule('trigger-precedence', source='chainer/training/util.py:get_trigger@v7.8.1')
@given(stop=st.integers(1, 6), form=st.sampled_from(('function', 'subclass')),
       passed_none=st.booleans())
def test_trigger_attribute_none_never_fires(out_dir, ns, stop, form, passed_none):
    """An extension whose ``trigger`` attribute is ``None`` is never called:
    ``get_trigger(None)`` is documented to return a trigger that never fires.
    Passing ``trigger=None`` to ``extend`` changes nothing."""
    spec = ExtensionSpec(form=form, own_trigger=TriggerSpec('none'),
                         extend_trigger=TriggerSpec('none') if passed_none else None)
    scenario = TrainerScenario(extensions=(spec, ExtensionSpec(form='lambda')), stop=stop)
    expected = [('e1', it) for it in range(1, stop + 1)]
    actual, _ = observed(runner.run_trainer(ns, out_dir, scenario))
    assert actual == expected, model_mismatch(scenario, expected, actual, 'extension calls')


@rule('trigger-precedence', source='chainer/training/util.py:get_trigger@v7.8.1')
@given(period=st.integers(1, 5), unit=st.sampled_from(('iteration', 'epoch')),
       as_list=st.booleans(), form=st.sampled_from(('function', 'object', 'interval')))
def test_get_trigger_keeps_callables_and_builds_interval_triggers(
        out_dir, ns, period, unit, as_list, form):
    """``get_trigger`` returns a callable unchanged (the very object: a
    function, a callable object, a trigger), a never-firing trigger for
    ``None``, and an ``IntervalTrigger`` of the same period and unit for
    anything else (a tuple or a list)."""
    get_trigger = ns.training.get_trigger

    class Mine:
        def __call__(self, trainer):
            return True

    def function(trainer):
        return True
    mine = {'function': function, 'object': Mine(),
            'interval': ns.training.triggers.IntervalTrigger(period, unit)}[form]
    assert get_trigger(mine) is mine, f'get_trigger(a {form}) returned {get_trigger(mine)!r}'
    never = get_trigger(None)
    trainer = harness.make_trainer(ns, out_dir, stop=(3, 'iteration'))
    answers = []
    trainer.extend(lambda trainer: answers.append(never(trainer)))
    trainer.run()
    assert answers == [False] * 3, f'get_trigger(None) answered {answers} at iterations 1-3'
    spec = [period, unit] if as_list else (period, unit)
    built = get_trigger(spec)
    assert isinstance(built, ns.training.triggers.IntervalTrigger), built
    assert built.get_training_length() == (period, unit), built.get_training_length()


@rule('trigger-precedence', level='quirk',
      source='chainer/training/triggers/interval_trigger.py:IntervalTrigger.__str__@v7.8.1')
@given(period=st.integers(1, 5), unit=st.sampled_from(('iteration', 'epoch')))
def test_interval_trigger_describes_itself(ns, period, unit):
    """``str(IntervalTrigger(k, unit))`` is ``IntervalTrigger(k, 'unit')``, the
    form logs and progress reports print."""
    described = str(ns.training.triggers.IntervalTrigger(period, unit))
    assert described == f"IntervalTrigger({period}, '{unit}')", described
