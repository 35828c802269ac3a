"""What ``Evaluator`` sees, reports and returns (family 'evaluator').

An ``Evaluator`` over a non-repeating validation iterator and a target with
one child link runs every ``calls_every`` iterations; its ``eval_func``
records the examples it gets and the configuration it runs under, and
reports ``loss`` (through the target) and ``size`` (through the child)
(SEMANTICS J4, M7).
"""
import warnings

import numpy
import pytest
from hypothesis import given, strategies as st

from conformance import harness
from conformance.diff import model_mismatch
from conformance.models.observation import Summary, evaluator_progress_text
from conformance.runners import observation as runner
from conformance.spec import rule
from conformance.strategies import observation as scenarios

SOURCE = 'chainer/training/extensions/evaluator.py:Evaluator.evaluate@v7.8.1 (SEMANTICS M7)'


def expected_report(scenario, prefix=None):
    """The means ``Evaluator`` returns: over the batches of one pass, the
    unweighted mean of each batch's reports, under ``<name>/main/...``."""
    prefix = (scenario.name or 'validation') + '/main/' if prefix is None else prefix
    summary = Summary()
    examples = list(range(scenario.n_validation))
    for start in range(0, len(examples), scenario.batch_size):
        batch = examples[start:start + scenario.batch_size]
        summary.add({prefix + 'loss': float(sum(batch)) + scenario.offset,
                     prefix + 'child/size': len(batch)})
    return summary.mean()


@rule('evaluator', source=SOURCE)
@given(scenario=scenarios.evaluator_scenarios())
def test_each_evaluation_sees_every_validation_example_exactly_once(out_dir, ns, scenario):
    """Each call resets the validation iterator and passes every example to
    ``eval_func`` once; a call after training does too.  ``eval_hook`` is
    called with the evaluator once per call."""
    probe, _, _, after_run, _ = runner.run_evaluator(ns, out_dir, scenario)
    every = list(range(scenario.n_validation))
    calls = scenario.iterations // scenario.calls_every
    assert probe.calls == [every] * calls, model_mismatch(
        scenario, [every] * calls, probe.calls, 'validation examples seen per evaluation')
    assert after_run == every, (f'a call after training saw {after_run}, expected {every}'
                                f'\n  {scenario}')
    hooked = [True] * (calls + 1)   # the calls in training and the one after
    assert probe.hooked == hooked, model_mismatch(
        scenario, hooked, probe.hooked, 'eval_hook calls (whether it got the evaluator)')


@rule('evaluator', source=SOURCE.replace('evaluate', '__call__'))
@given(scenario=scenarios.evaluator_scenarios())
def test_evaluator_reports_and_returns_the_means_under_its_name_and_the_target_path(
        out_dir, ns, scenario):
    """The means over the batches are reported into the trainer's
    observation, and returned, under ``<name>/main/<key>`` (``name`` the
    registered name, ``'validation'`` by default; the child link's reports
    under ``<name>/main/<child>/<key>``), in the order first reported.  An
    evaluator never registered (``name`` None) uses no prefix."""
    probe, seen, result, _, _ = runner.run_evaluator(ns, out_dir, scenario)
    expected = list(expected_report(scenario).items())
    firing = [i for i in range(1, scenario.iterations + 1) if i % scenario.calls_every == 0]
    want = [(i, expected) for i in firing]
    got = [(i, list(observation.items())) for i, observation in seen]
    assert got == want, model_mismatch(scenario, want, got,
                                       '(iteration, validation means seen by a reader)')
    assert list(result.items()) == expected, model_mismatch(
        scenario, expected, list(result.items()), "the evaluator's return value")
    unprefixed = list(expected_report(scenario, prefix='main/').items())
    got = list(probe.unregistered.items())
    assert got == unprefixed, model_mismatch(
        scenario, unprefixed, got, "an unregistered evaluator's return value")


@rule('evaluator', source=SOURCE.replace('evaluate', '__call__'))
@given(scenario=scenarios.evaluator_scenarios())
def test_evaluator_runs_in_test_mode_without_backprop_and_touches_nothing(
        out_dir, ns, scenario):
    """``eval_func`` runs with ``config.train == False`` and
    ``config.enable_backprop == False`` (read through the implementation's
    ``config``); an evaluation changes neither the target's parameters nor
    the training iterator nor the updater."""
    probe, _, _, _, (before, after) = runner.run_evaluator(ns, out_dir, scenario)
    assert probe.modes == {(False, False)}, (
        f'(config.train, config.enable_backprop) during evaluation: {probe.modes}, '
        f'expected only (False, False)\n  {scenario}')
    assert before == after, (f'an evaluation changed (parameter, iterator position, epoch, '
                             f'is_new_epoch, iteration) from {before} to {after}')


@rule('evaluator', source='chainer/function.py:force_backprop_mode@v7.8.1; '
      'chainer/configuration.py:_ConfigContext@v7.8.1')
@given(scenario=scenarios.evaluator_scenarios())
def test_force_backprop_mode_in_eval_func_turns_backprop_on_for_its_body_only(ns, scenario):
    """``with force_backprop_mode():`` inside ``eval_func`` (which runs
    under the evaluator's ``no_backprop_mode``) makes
    ``config.enable_backprop`` True in its body; on exit the evaluator's
    value shows again, for every batch."""
    seen = runner.run_evaluator_forcing_backprop(ns, scenario)
    batches = -(-scenario.n_validation // scenario.batch_size)
    want = [(before, True, before) for before, _, _ in seen]
    assert len(seen) == batches and seen == want, model_mismatch(
        scenario, want, seen, '(config.enable_backprop before, inside and after '
        'force_backprop_mode) per batch')


@rule('evaluator', source='chainer/training/extensions/evaluator.py:_IteratorProgressBar@v7.8.1; '
      'chainer/training/extensions/util.py:ProgressBar.update@v7.8.1 (SEMANTICS M7)',
      level='quirk')
@given(scenario=scenarios.evaluator_scenarios())
def test_evaluator_with_progress_bar_draws_the_validation_bar_after_each_batch(
        out_dir, ns, scenario):
    """``progress_bar=True``: after each batch ``ESC [J``, a 50-character
    bar of the validation iterator's ``epoch_detail`` as ``{:6.2%}``,
    ``{current_position:10} / {dataset size} iterations``, a speed line (its
    clock parts not compared) and ``ESC [3A``, on ``sys.stdout``; at the end
    ``ESC [J``."""
    text = runner.run_evaluator_progress_bar(ns, scenario)
    expected = evaluator_progress_text(scenario.n_validation, scenario.batch_size)
    assert text == expected, model_mismatch(
        scenario, expected.split('\033'), text.split('\033'),
        'Evaluator progress bar output (split at ESC)')


REPEAT_WARNING = 'The `repeat` property of the iterator '
KINDS = ('SerialIterator', 'MultithreadIterator', 'another Iterator')


def validation_iterator(ns, kind, repeat):
    """A validation iterator over 4 examples: one of Chainer's classes, or
    a user's ``dataset.Iterator`` subclass with a ``repeat`` attribute."""
    dataset = numpy.zeros((4, 1), numpy.float32)
    if kind == 'another Iterator':
        return type('UserIterator', (ns.dataset.Iterator,), {'repeat': repeat})()
    return getattr(ns.iterators, kind)(dataset, 2, repeat=repeat, shuffle=False)


@rule('evaluator', source='chainer/training/extensions/evaluator.py:Evaluator.__init__@v7.8.1')
@given(iterators=st.lists(st.tuples(st.sampled_from(KINDS), st.booleans()), min_size=1,
                          max_size=3))
def test_evaluator_warns_once_per_repeating_chainer_iterator(ns, iterators):
    """Built over iterators, ``Evaluator`` warns (a ``UserWarning`` that
    begins ``The `repeat` property of the iterator``) once per
    ``SerialIterator``, ``MultithreadIterator`` or ``MultiprocessIterator``
    whose ``repeat`` is true; not for another class with a true
    ``repeat``."""
    built = {('main' if i == 0 else f'it{i}'): validation_iterator(ns, kind, repeat)
             for i, (kind, repeat) in enumerate(iterators)}
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            ns.training.extensions.Evaluator(built, ns.Link())
    finally:
        for iterator in built.values():
            getattr(iterator, 'finalize', lambda: None)()
    repeating = [(k, r) for k, r in iterators if r and k != 'another Iterator']
    got = [str(w.message) for w in caught if issubclass(w.category, UserWarning)
           and str(w.message).startswith(REPEAT_WARNING)]
    assert len(got) == len(repeating), (
        f'Evaluator over (class, repeat) {iterators}: {len(got)} repeat warnings {got}, '
        f'expected {len(repeating)}')


NO_PROGRESS = ('Iterator must have the following attributes to enable a progress bar: '
               'current_position, epoch_detail')


@rule('evaluator', source='chainer/training/extensions/evaluator.py:_IteratorProgressBar@v7.8.1')
@given(lacking=st.sampled_from(['current_position', 'epoch_detail', 'both']))
def test_evaluator_with_progress_bar_refuses_an_iterator_without_a_position(ns, lacking):
    """``Evaluator(progress_bar=True)`` over an iterator that lacks
    ``current_position`` or ``epoch_detail`` raises ``TypeError`` with
    Chainer's message when it evaluates."""
    attributes = {'current_position': 0, 'epoch_detail': 0.0, 'reset': lambda self: None,
                  '__next__': lambda self: (_ for _ in ()).throw(StopIteration)}
    for name in (('current_position', 'epoch_detail') if lacking == 'both' else (lacking,)):
        del attributes[name]
    iterator = type('UserIterator', (ns.dataset.Iterator,), attributes)()
    evaluator = harness.call_with(
        'training.extensions.Evaluator', ns.training.extensions.Evaluator, iterator, ns.Link(),
        progress_bar=True)
    with pytest.raises(TypeError) as error:
        evaluator.evaluate()
    assert str(error.value) == NO_PROGRESS, (
        f'an iterator without {lacking}: message\n expected: {NO_PROGRESS!r}\n got:      '
        f'{str(error.value)!r}')


def one_shot_iterator(ns, examples, batch_size):
    """A validation iterator (an ``ns.dataset.Iterator``) without ``reset``:
    batches of ``examples`` in order, once; ``copy.copy`` gives one at the
    same position."""
    class OneShotIterator(ns.dataset.Iterator):
        position = 0

        def __iter__(self):
            return self

        def __next__(self):
            if self.position >= len(examples):
                raise StopIteration
            batch = examples[self.position:self.position + batch_size]
            self.position += len(batch)
            return batch

    return OneShotIterator()


NO_RESET = ('This iterator does not have the reset method. Evaluator copies the iterator '
            'instead of resetting. This behavior is deprecated. Please implement the reset '
            'method.')


@rule('evaluator', source='chainer/training/extensions/evaluator.py:Evaluator.__init__@v7.8.1; '
      'Evaluator.evaluate@v7.8.1; Evaluator.get_iterator@v7.8.1; '
      'Evaluator.get_all_iterators@v7.8.1; Evaluator.get_target@v7.8.1; '
      'Evaluator.get_all_targets@v7.8.1 (SEMANTICS M7)')
@given(n=st.integers(1, 6), batch_size=st.integers(1, 3), resettable=st.booleans(),
       as_dicts=st.booleans(), evaluations=st.integers(1, 2))
def test_evaluator_resets_its_iterator_or_warns_and_evaluates_a_copy(
        ns, n, batch_size, resettable, as_dicts, evaluations):
    """``Evaluator`` keeps the iterator and the target it is given (a single
    one as ``'main'``) for ``get_iterator``/``get_all_iterators`` and
    ``get_target``/``get_all_targets``, the latter returning new dicts.
    Each ``evaluate()`` (under a reporter) resets the iterator and runs over
    it, so the iterator given ends its pass; an iterator without ``reset``
    is copied instead, with a ``DeprecationWarning``, and stays where it
    was."""
    items = harness.dataset(n)
    iterator = (ns.iterators.SerialIterator(items, batch_size, repeat=False, shuffle=False)
                if resettable else one_shot_iterator(ns, items, batch_size))
    target = ns.Chain()
    targets = {'main': target, 'other': ns.Chain()} if as_dicts else {'main': target}
    seen = []
    evaluator = ns.training.extensions.Evaluator(
        {'main': iterator} if as_dicts else iterator, targets if as_dicts else target,
        eval_func=lambda batch: seen[-1].extend(int(x) for x in batch.ravel()))
    accessors = {
        "get_iterator('main') is the iterator": evaluator.get_iterator('main') is iterator,
        'get_all_iterators() holds it as main':
            evaluator.get_all_iterators() == {'main': iterator},
        "get_target('main') is the target": evaluator.get_target('main') is target,
        'get_all_targets() holds the targets': evaluator.get_all_targets() == targets,
        'get_all_iterators() returns a new dict':
            evaluator.get_all_iterators() is not evaluator.get_all_iterators(),
        'get_all_targets() returns a new dict':
            evaluator.get_all_targets() is not evaluator.get_all_targets()}
    wrong = [what for what, holds in accessors.items() if not holds]
    assert not wrong, (
        f'Evaluator({"dicts" if as_dicts else "an iterator and a target"}): not so: {wrong}')
    for _ in range(evaluations):
        seen.append([])
        with warnings.catch_warnings(record=True) as caught, ns.Reporter():
            warnings.simplefilter('always')
            evaluator.evaluate()
        warned = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
        assert warned == ([] if resettable else [NO_RESET]), (
            f'evaluate() over an iterator {"with" if resettable else "without"} reset warned '
            f'{warned}, expected {[] if resettable else [NO_RESET]}')
    assert seen == [list(range(n))] * evaluations, (
        f'{evaluations} evaluations over {n} examples in batches of {batch_size} saw {seen}')
    if resettable:
        assert (iterator.epoch, iterator.current_position) == (1, 0), (
            f'after evaluate(), the SerialIterator given is at epoch {iterator.epoch}, position '
            f'{iterator.current_position}: expected the end of its pass (1, 0), the iterator '
            'itself reset and run over, not a copy')
    else:
        assert iterator.position == 0, (
            f'evaluate() moved the iterator without reset to {iterator.position}: expected a copy '
            'run over and the original left where it was')
