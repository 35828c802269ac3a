"""How ``SerialIterator`` walks a dataset (family 'iterator').

The model (``conformance/models/iterator.py``) sees the iterator as a
stream: the orders of epochs 0, 1, 2, ... laid end to end, ``next()``
taking the next ``batch_size`` entries (without ``repeat``: at most to the
end of epoch 0), each epoch's order drawn by the call whose batch reaches
the end of the epoch before.  (SEMANTICS D4-D7.)

The trainer-level view (updater state, index order) is pinned by
test_trigger_schedule.py, and the round trip of index and shuffled orders by
test_serialization.py; here: the iterator itself, with custom and seeded
orders.
"""
import math

import pytest
from hypothesis import example, given, strategies as st

from conformance.diff import records_mismatch
from conformance.models.iterator import predict, shuffle_model
from conformance.runners import iterator as runner
from conformance.runners.iterator import IteratorStep, item
from conformance.spec import rule
from conformance.strategies import iterator as scenarios

SOURCE = 'chainer/iterators/serial_iterator.py:SerialIterator.{}@v7.8.1'
NEXT = SOURCE.format('__next__')


# --- the model, applied to a scenario ------------------------------------------------

def predict_scenario(scenario, steps=None):
    order = scenario.order
    sampler = None if order is None else order.sampler()
    return predict(scenario.n, scenario.batch_size, scenario.repeat,
                   scenario.steps if steps is None else steps, sampler)


def documented(steps):
    """The trace without the state after ``StopIteration`` (a quirk,
    pinned by its own property)."""
    return ['StopIteration' if isinstance(s, IteratorStep) and s.batch == 'StopIteration'
            else s for s in steps]


def counters(steps):
    """The documented trace with batches replaced by their sizes."""
    return [s._replace(batch=len(s.batch))
            if isinstance(s, IteratorStep) and isinstance(s.batch, list)
            else s for s in documented(steps)]


# --- batches and counters ----------------------------------------------------------

@rule('iterator', source=NEXT)
@given(scenario=scenarios.scenarios())
def test_batches_and_counters_follow_the_stream_of_epoch_orders(ns, scenario):
    """Each ``next()`` returns the next ``batch_size`` items of the stream
    (a batch reaching an epoch end wraps into the next epoch with
    ``repeat``; without it the last batch is cut at the end of the epoch,
    and every later call raises ``StopIteration``), and leaves ``epoch``,
    ``epoch_detail``, ``previous_epoch_detail`` (``None`` before the first
    call), ``is_new_epoch`` (the batch reached or crossed an epoch end) and
    ``current_position`` as the model computes them; ``repeat`` reads back
    the argument."""
    expected = documented(predict_scenario(scenario).steps)
    trace = runner.run(ns, scenario)
    assert trace.repeat is scenario.repeat, (
        f'iterator.repeat is {trace.repeat!r}, built with repeat={scenario.repeat!r}')
    assert documented(trace.steps) == expected, records_mismatch(
        'states after each next()', scenario, expected, documented(trace.steps))


@rule('iterator', source=NEXT)
@given(scenario=scenarios.scenarios(orders=(scenarios.custom_orders,)))
def test_order_sampler_gets_the_ending_epochs_order_and_position(ns, scenario):
    """The order sampler is called once at construction with
    ``(numpy.arange(n), 0)`` and once per epoch end reached (also without
    ``repeat``), by the ``next()`` whose batch reaches it, with the ending
    epoch's order and the position where that batch started in it (0 for a
    batch that started in an earlier epoch)."""
    expected = predict_scenario(scenario).calls
    actual = runner.run(ns, scenario).calls
    assert actual == expected, records_mismatch(
        'order sampler calls (step, current_order, current_position)', scenario,
        expected, actual)


@rule('iterator', source=SOURCE.format('reset'))
@given(scenario=scenarios.scenarios(), before=st.integers(0, 9))
def test_reset_mid_run_starts_over_as_a_fresh_iterator(ns, scenario, before):
    """``reset()`` after any number of calls (even past ``StopIteration``)
    restores the initial state (epoch 0, position 0, ``is_new_epoch``
    false, ``previous_epoch_detail`` ``None``) and draws the first order
    again with ``(numpy.arange(n), 0)``: the iterator then behaves as a
    freshly built one."""
    model = predict_scenario(scenario)
    trace = runner.run_reset(ns, scenario, before)
    what = f'after {before} calls and reset()'
    assert documented(trace.steps) == documented(model.steps), records_mismatch(
        f'states {what}', scenario, documented(model.steps), documented(trace.steps))
    assert trace.calls == model.calls, records_mismatch(
        f'order sampler calls {what}', scenario, model.calls, trace.calls)


@rule('iterator', source='chainer/dataset/iterator.py:Iterator.__iter__@v7.8.1')
@given(scenario=scenarios.scenarios())
def test_a_for_loop_gets_the_same_batches_as_next(ns, scenario):
    """The iterator is a Python iterator (``iter()`` returns itself): a
    ``for`` loop gets the model's batches, and ends where a non-repeating
    iterator raises ``StopIteration``."""
    expected = [s.batch for s in predict_scenario(scenario).steps[1:]
                if s.batch != 'StopIteration']
    is_itself, actual = runner.run_for_loop(ns, scenario)
    assert is_itself, f'iter(iterator) is not the iterator itself\n  scenario: {scenario}'
    assert actual == expected, records_mismatch('batches of a for loop', scenario,
                                                expected, actual)


@rule('iterator', source=NEXT, level='quirk')
@given(scenario=scenarios.scenarios(repeat=(False,)))
def test_an_exhausted_iterator_stays_at_the_start_of_epoch_one(ns, scenario):
    """Without ``repeat``, each ``next()`` after the last batch raises
    ``StopIteration`` and leaves epoch 1, position 0 and ``is_new_epoch``
    true, but sets ``previous_epoch_detail`` to the current
    ``epoch_detail`` (1.0) before raising."""
    expected = predict_scenario(scenario).steps
    actual = runner.run(ns, scenario).steps
    assert actual == expected, records_mismatch(
        'states after each next(), StopIteration included', scenario, expected, actual)


# --- order samplers --------------------------------------------------------------------

@rule('iterator', source=SOURCE.format('__init__'))
@pytest.mark.parametrize('shuffle', [True, False])
def test_shuffle_together_with_an_order_sampler_is_a_value_error(ns, shuffle):
    """``shuffle`` other than ``None`` together with an ``order_sampler`` is
    a ``ValueError`` naming both; with ``shuffle=None`` the sampler is used."""
    sampler = scenarios.CustomOrder((0, 1, 2), 0)
    error = runner.construction_error(ns, shuffle, sampler)
    assert isinstance(error, ValueError) and all(
        word in str(error) for word in ('shuffle', 'order_sampler')), (
        f'SerialIterator(shuffle={shuffle}, order_sampler=...) raised {error!r}; expected '
        'a ValueError naming shuffle and order_sampler')
    error = runner.construction_error(ns, None, sampler)
    assert error is None, f'SerialIterator(shuffle=None, order_sampler=...) raised {error!r}'


@rule('iterator', source='chainer/iterators/_statemachine.py:iterator_statemachine@v7.8.1')
@given(scenario=scenarios.wrong_length_scenarios())
def test_an_order_of_another_length_is_a_value_error_at_its_epoch_end(ns, scenario):
    """An order sampler's new order whose length differs from the ending
    epoch's is a ``ValueError`` raised by the ``next()`` that drew it;
    the calls before it are unaffected."""
    model = predict_scenario(scenario)
    trace = runner.run(ns, scenario)
    assert documented(trace.steps) == documented(model.steps), records_mismatch(
        'states after each next()', scenario, documented(model.steps), documented(trace.steps))
    assert trace.calls == model.calls, records_mismatch(
        'order sampler calls', scenario, model.calls, trace.calls)


@rule('iterator', source=SOURCE.format('reset'), level='quirk')
@given(scenario=scenarios.scenarios(orders=(scenarios.short_first_orders,), min_n=2))
def test_the_first_order_is_not_length_checked_and_sets_the_epoch_size(ns, scenario):
    """The order drawn at construction is taken whatever its length: an
    order shorter than the dataset makes epochs of its length (``epoch_detail``
    and the epoch ends count in entries of the order, not of the dataset)."""
    model = predict_scenario(scenario)
    trace = runner.run(ns, scenario)
    assert trace.steps == model.steps, records_mismatch(
        'states after each next()', scenario, model.steps, trace.steps)
    assert trace.calls == model.calls, records_mismatch(
        'order sampler calls', scenario, model.calls, trace.calls)


@rule('iterator', source='chainer/iterators/order_samplers.py:ShuffleOrderSampler@v7.8.1')
@given(scenario=scenarios.scenarios(
    orders=(scenarios.seeded_shuffles, scenarios.global_shuffles)))
def test_shuffled_epochs_are_permutations_reproducible_by_seed(ns, scenario):
    """With ``ShuffleOrderSampler(RandomState(seed))``, ``shuffle=True`` or
    the default ``shuffle=None``, every complete epoch of the stream is a
    permutation of the dataset and the counters are those of index order;
    with the seeded sampler, the same seed gives the same batches."""
    trace = runner.run(ns, scenario)
    if isinstance(scenario.order, scenarios.SeededShuffle):
        again = runner.run(ns, scenario)
        assert again.steps == trace.steps, records_mismatch(
            'states of a second run with the same seed', scenario, trace.steps, again.steps,
            labels=('first run', 'second run'))
    expected = counters(predict(scenario.n, scenario.batch_size, scenario.repeat,
                                scenario.steps).steps)
    assert counters(trace.steps) == expected, records_mismatch(
        'batch sizes and counters', scenario, expected, counters(trace.steps))
    stream = [x for s in trace.steps[1:] if isinstance(s.batch, list) for x in s.batch]
    everything = sorted(item(i) for i in range(scenario.n))
    for start in range(0, len(stream) - scenario.n + 1, scenario.n):
        epoch = stream[start:start + scenario.n]
        assert sorted(epoch) == everything, (
            f'epoch {start // scenario.n} is {epoch}, not a permutation of the dataset\n'
            f'  scenario: {scenario}\n  batches: {[s.batch for s in trace.steps[1:]]}')


@rule('iterator', source='chainer/iterators/order_samplers.py:ShuffleOrderSampler@v7.8.1',
      level='quirk')
@given(scenario=scenarios.scenarios(
    orders=(scenarios.seeded_shuffles, scenarios.global_shuffles)))
def test_shuffle_draws_one_permutation_per_epoch_from_its_random_state(ns, scenario):
    """Each order is ``random_state.permutation(len(order))``, the first
    drawn at construction; without a sampler (``shuffle=True`` or
    ``None``) the random state is NumPy's global one."""
    expected = predict(scenario.n, scenario.batch_size, scenario.repeat, scenario.steps,
                       shuffle_model(scenario.order.seed)).steps
    actual = runner.run(ns, scenario).steps
    assert actual == expected, records_mismatch(
        'states after each next()', scenario, expected, actual)


# --- serialization ----------------------------------------------------------------------

@rule('iterator', source=SOURCE.format('serialize'))
@given(scenario=scenarios.scenarios(orders=(scenarios.custom_orders,), steps=(6, 6)),
       before=st.integers(0, 8))
def test_a_custom_order_is_saved_and_restored_and_iteration_continues(ns, scenario, before):
    """After ``before`` calls, ``serialize`` writes ``current_position``,
    ``epoch``, ``is_new_epoch``, the current ``order`` and
    ``previous_epoch_detail`` (-1.0 for ``None``); a fresh iterator with the
    same sampler loaded from them continues with the model's states,
    batches and sampler calls (on the restored order), as the original
    does, for 6 more calls (without ``repeat``: to its end)."""
    if not scenario.repeat:
        before = min(before, scenarios.exhausting_steps(scenario.n, scenario.batch_size) - 2)
    model = predict_scenario(scenario, before + scenario.steps)
    at = model.steps[before]
    expected_saved = dict(current_position=at.current_position, epoch=at.epoch,
                          is_new_epoch=at.is_new_epoch,
                          order=predict_scenario(scenario, before).order,
                          previous_epoch_detail=-1.0 if at.previous_epoch_detail is None
                          else at.previous_epoch_detail)
    result = runner.run_save_load(ns, scenario, before, scenario.steps)
    assert result.saved == expected_saved, (
        f'serialize after {before} calls wrote {result.saved}, expected {expected_saved}\n'
        f'  scenario: {scenario}')
    expected = documented([at._replace(batch=None)] + model.steps[before + 1:])
    calls = [call for call in model.calls if call[0] > before]
    for label, trace in (('loaded', result.loaded), ('original', result.original)):
        assert documented(trace.steps) == expected, records_mismatch(
            f'{label} iterator: states from the save (after {before} calls) on', scenario,
            expected, documented(trace.steps))
        assert trace.calls == calls, records_mismatch(
            f'{label} iterator: order sampler calls after the save (after {before} calls)',
            scenario, calls, trace.calls)


@rule('iterator', source=SOURCE.format('serialize'), level='quirk')
@example(scenario=scenarios.IteratorScenario(3, 2, True, scenarios.CustomOrder((2, 0, 1), 1), 6),
         before=3)
@given(scenario=scenarios.scenarios(orders=(scenarios.custom_orders, scenarios.index_order),
                                    steps=(6, 6)),
       before=st.integers(0, 8))
def test_an_older_snapshot_gives_the_order_as__order_and_previous_epoch_detail_is_guessed(
        ns, scenario, before):
    """A state saved by an older Chainer holds the order under ``_order``
    and no ``previous_epoch_detail``: loading takes the order from
    ``_order`` and guesses ``previous_epoch_detail`` as ``epoch +
    (current_position - batch_size) / len(order)``, at least 0, or ``None``
    when ``epoch_detail`` is 0 (then saved again as -1.0); iteration then
    goes on as the model's."""
    if not scenario.repeat:
        before = min(before, scenarios.exhausting_steps(scenario.n, scenario.batch_size) - 2)
    model = predict_scenario(scenario, before + scenario.steps)
    at = model.steps[before]
    guess = at.epoch + (at.current_position - scenario.batch_size) / scenario.n
    previous = max(guess, 0.) if at.epoch_detail > 0 else None
    expected = documented([at._replace(batch=None, previous_epoch_detail=previous)]
                          + model.steps[before + 1:])
    saved, trace = runner.run_legacy_load(ns, scenario, before, scenario.steps)
    what = f'loaded from an older snapshot after {before} calls'
    order = predict_scenario(scenario, before).order
    expected_saved = dict(current_position=at.current_position, epoch=at.epoch,
                          is_new_epoch=at.is_new_epoch,
                          **({} if scenario.order is None else {'order': order}),
                          previous_epoch_detail=-1.0 if previous is None else previous)
    assert saved == expected_saved, (
        f'{what}, serialize writes {saved}, expected {expected_saved}\n  scenario: {scenario}')
    assert documented(trace.steps) == expected, records_mismatch(
        f'states {what}', scenario, expected, documented(trace.steps))
    calls = [call for call in model.calls if call[0] > before]
    assert trace.calls == calls, records_mismatch(
        f'order sampler calls {what}', scenario, calls, trace.calls)


EPOCH_SIZE_MESSAGE = 'Epoch size must be positive for an iterator that repeats.'
ORDER_SIZE_MESSAGE = 'The size of order does not match the size of the previous order.'
SHUFFLE_MESSAGE = ('`shuffle` is not `None` and a custom `order_sampler` is set. Please set '
                   '`shuffle` to `None` to use the custom order sampler.')


@rule('iterator', source='chainer/iterators/_statemachine.py:iterator_statemachine@v7.8.1',
      level='quirk')
@given(scenario=scenarios.emptied_scenarios())
def test_a_dataset_emptied_mid_run_stops_a_repeating_iterator_with_a_value_error(
        ns, scenario):
    """With a NumPy integer ``batch_size`` (so the position is one, and
    ``epoch_detail`` divides by zero without raising), a dataset emptied
    after some calls makes the next ``next()`` raise Chainer's ValueError
    if the iterator repeats; without repeat (still in epoch 0) it returns
    an empty batch and moves to the start of epoch 1, with
    ``previous_epoch_detail`` infinite."""
    if scenario.repeat:
        expected = f'ValueError: {EPOCH_SIZE_MESSAGE}'
    else:
        expected = runner.Emptied([], 1, math.inf, True, 0)
    actual = runner.run_emptied(ns, scenario)
    assert actual == expected, (
        f'next() after emptying the dataset\n  scenario: {scenario}\n  expected: {expected}'
        f'\n  got:      {actual}')


@rule('iterator', source=SOURCE.format('__init__'), level='quirk')
@given(scenario=scenarios.wrong_length_scenarios(), shuffle=st.booleans())
def test_the_iterators_value_errors_carry_chainers_messages(ns, scenario, shuffle):
    """The ValueErrors for ``shuffle`` together with an ``order_sampler``
    and for an order of another length carry Chainer's messages, word for
    word."""
    error = runner.construction_error(ns, shuffle, scenarios.CustomOrder((0, 1, 2), 0))
    assert str(error) == SHUFFLE_MESSAGE, (
        f'SerialIterator(shuffle={shuffle}, order_sampler=...): message\n  expected: '
        f'{SHUFFLE_MESSAGE!r}\n  got:      {str(error)!r}')
    message = runner.value_error(ns, scenario)
    assert message == ORDER_SIZE_MESSAGE, (
        f'order of another length: message\n  scenario: {scenario}\n  expected: '
        f'{ORDER_SIZE_MESSAGE!r}\n  got:      {message!r}')
