"""``MultithreadIterator`` and ``MultiprocessIterator`` (family 'iterator').

Given the same order, both walk the dataset exactly as ``SerialIterator``
does: the model of ``conformance/models/iterator.py`` (SEMANTICS D4-D7)
predicts their batches and counters, before and after a save and load,
whichever worker count and prefetch they use (SEMANTICS D10), and a trainer
fed by them follows SerialIterator's trajectory.  An error in the
dataset reaches the caller, and no worker thread or process outlives
``finalize()``.  Process-based examples are few: each builds a pool.
"""
import numpy
import pytest
from hypothesis import given, strategies as st

from conformance import tolerances
from conformance.diff import records_mismatch
from conformance.models.iterator import predict
from conformance.runners import parallel_iterators as runner
from conformance.spec import diverges, rule
from conformance.strategies import iterator as scenarios
from conformance.strategies import snapshot as training_scenarios

THREAD = 'chainer/iterators/multithread_iterator.py:MultithreadIterator.{}@v7.8.1'
PROCESS = 'chainer/iterators/multiprocess_iterator.py:MultiprocessIterator.{}@v7.8.1'
SOURCES = {'MultithreadIterator': THREAD, 'MultiprocessIterator': PROCESS}
# The key each kind saves its order under (None: no order to save).
ORDER_KEY = {'SerialIterator': 'order', 'MultithreadIterator': '_order',
             'MultiprocessIterator': 'order'}
BASE_KEYS = ['current_position', 'epoch', 'is_new_epoch', 'previous_epoch_detail']


def predicted(scenario):
    sampler = None if scenario.order is None else _sampler(scenario.order)
    return predict(scenario.n, scenario.batch_size, scenario.repeat, scenario.steps,
                   sampler).steps


def _sampler(order):
    if isinstance(order, scenarios.SeededShuffle):
        random = numpy.random.RandomState(order.seed)
        return lambda current, position: random.permutation(len(current))
    return order.sampler()


def documented(steps):
    """As test_iterator.documented: the state after StopIteration is a quirk."""
    return ['StopIteration' if not isinstance(s, str) and s.batch == 'StopIteration' else s
            for s in steps]


def saved_at(scenario, before):
    """A number of calls before saving: a non-repeating iterator is saved
    before it is exhausted."""
    if scenario.repeat:
        return before
    return min(before, scenarios.exhausting_steps(scenario.n, scenario.batch_size) - 2)


def after_loading(scenario, before):
    """The model's states from the save on: the state saved (no batch),
    then each later call's."""
    steps = predict(scenario.n, scenario.batch_size, scenario.repeat, scenario.steps,
                    None if scenario.order is None else _sampler(scenario.order)).steps
    return documented([steps[before]._replace(batch=None)] + steps[before + 1:])


def saved_values(kind, scenario, before):
    """What ``serialize`` writes after ``before`` calls (an order held as
    an object array, MultithreadIterator's missing one, is not compared)."""
    model = predict(scenario.n, scenario.batch_size, scenario.repeat, before,
                    None if scenario.order is None else _sampler(scenario.order))
    at = model.steps[before]
    values = dict(current_position=at.current_position, epoch=at.epoch,
                  is_new_epoch=at.is_new_epoch,
                  previous_epoch_detail=-1.0 if at.previous_epoch_detail is None
                  else at.previous_epoch_detail)
    if scenario.order is not None:
        values[ORDER_KEY[kind]] = model.order
    return values


def saved_keys(kind, order):
    """Chainer's keys: SerialIterator and MultiprocessIterator save ``order``
    when there is one; MultithreadIterator always saves ``_order``."""
    key = ORDER_KEY[kind]
    if order is None and kind != 'MultithreadIterator':
        return BASE_KEYS
    return sorted(BASE_KEYS + [key])


@rule('iterator', source=THREAD.format('__next__') + ', ' + PROCESS.format('__next__'))
@pytest.mark.parametrize('kind', scenarios.PARALLEL_KINDS)
@given(scenario=scenarios.scenarios(orders=(scenarios.index_order, scenarios.custom_orders,
                                            scenarios.seeded_shuffles)),
       options=scenarios.parallel_options())
def test_parallel_iterators_walk_the_dataset_as_serial_iterator(ns, kind, scenario, options):
    """With the same order (index order, a user's order sampler, a seeded
    ShuffleOrderSampler), each ``next()`` returns the batch and leaves the
    ``epoch``, ``epoch_detail``, ``previous_epoch_detail``,
    ``is_new_epoch`` and ``current_position`` that SerialIterator's model
    predicts, with one or two workers and prefetched batches (which the
    attributes of those names tell)."""
    expected = documented(predicted(scenario))
    trace = runner.run(ns, kind, scenario, options)
    assert trace.settings == options.kwargs(kind), (
        f'{kind}({options.kwargs(kind)}): attributes {trace.settings}')
    assert documented(trace.steps) == expected, records_mismatch(
        f'{kind}({options.kwargs(kind)}): states after each next()', scenario, expected,
        documented(trace.steps))


@rule('iterator', source=THREAD.format('serialize') + ', ' + PROCESS.format('serialize'))
@pytest.mark.parametrize('kind', scenarios.PARALLEL_KINDS)
@given(scenario=scenarios.scenarios(orders=(scenarios.index_order, scenarios.custom_orders),
                                    steps=(1, 10)),
       options=scenarios.parallel_options(), data=st.data())
def test_parallel_iterators_resume_from_a_snapshot_at_any_position(
        ns, kind, scenario, options, data):
    """Saved after any number of calls, a parallel iterator writes
    SerialIterator's keys with its order under its own key (``_order`` for
    MultithreadIterator, ``order`` for MultiprocessIterator), and a fresh
    iterator that loads the snapshot (of the same kind, or of any kind
    Chainer lets read it: SerialIterator and MultiprocessIterator read
    ``order`` and ``_order``, MultithreadIterator ``_order`` alone) goes on
    with the batches and counters of the model.  (An unshuffled
    MultiprocessIterator's snapshot is the next property's.)"""
    if kind == 'MultiprocessIterator' and scenario.order is None:
        scenario = scenarios.IteratorScenario(scenario.n, scenario.batch_size, scenario.repeat,
                                              data.draw(scenarios.custom_orders(scenario.n)),
                                              scenario.steps)
    before = saved_at(scenario, data.draw(st.integers(0, scenario.steps),
                                          label='calls before saving'))
    reader = data.draw(st.sampled_from(scenarios.reader_kinds(kind, scenario.order)),
                       label='loaded by')
    keys, saved, trace = runner.run_save_load(ns, kind, reader, scenario, options, before)
    assert keys == saved_keys(kind, scenario.order), (
        f'{kind} saved after {before} calls: keys {keys}, expected '
        f'{saved_keys(kind, scenario.order)}')
    expected_saved = saved_values(kind, scenario, before)
    assert saved == expected_saved, (
        f'{kind} saved after {before} calls: {saved}, expected {expected_saved}')
    expected = after_loading(scenario, before)
    assert documented(trace.steps) == expected, records_mismatch(
        f'{reader} loaded from the snapshot of {kind} after {before} calls: states after '
        'loading and after each next()', scenario, expected, documented(trace.steps))


@rule('iterator', source=THREAD.format('serialize'))
@given(scenario=scenarios.scenarios(orders=(scenarios.index_order, scenarios.custom_orders),
                                    steps=(1, 10)),
       options=scenarios.parallel_options(), data=st.data())
def test_a_multithread_snapshot_without_a_previous_position_loads_as_none(
        ns, scenario, options, data):
    """A MultithreadIterator snapshot whose ``previous_epoch_detail`` is
    ``None`` (as older Chainer saved it) loads as no previous position:
    ``previous_epoch_detail`` is ``None`` until the next call, and the
    iterator goes on with the model's batches and counters."""
    before = saved_at(scenario, data.draw(st.integers(0, scenario.steps),
                                          label='calls before saving'))
    _, _, trace = runner.run_save_load(ns, 'MultithreadIterator', 'MultithreadIterator',
                                       scenario, options, before, previous_none=True)
    expected = after_loading(scenario, before)
    expected[0] = expected[0]._replace(previous_epoch_detail=None)
    assert documented(trace.steps) == expected, records_mismatch(
        f'MultithreadIterator loaded after {before} calls from a snapshot whose '
        'previous_epoch_detail is None: states after loading and after each next()',
        scenario, expected, documented(trace.steps))


def same_values(actual, expected):
    """Plain values equal; floating arrays within the rounding of one
    arithmetic (``tolerances.within_ulps``), the rest bitwise."""
    actual, expected = numpy.asarray(actual), numpy.asarray(expected)
    if actual.dtype != expected.dtype or actual.shape != expected.shape:
        return False
    if actual.dtype.kind == 'f':
        return tolerances.within_ulps(actual, expected)
    return bool((actual == expected).all())


def trajectory_mismatch(kind, serial, parallel):
    """Where training with ``kind`` first leaves SerialIterator's trajectory
    (``runner.run_training`` results), or None."""
    (events, trajectory, final), (p_events, p_trajectory, p_final) = serial, parallel
    if len(p_trajectory) != len(trajectory):
        return f'{len(p_trajectory)} iterations trained, SerialIterator {len(trajectory)}'
    for number, ((step, params), (p_step, p_params)) in enumerate(
            zip(trajectory, p_trajectory), start=1):
        if p_step != step:
            return f'after iteration {number}: iterator {p_step}, SerialIterator {step}'
        for path in sorted(params):
            if not same_values(p_params.get(path), params[path]):
                return (f'after iteration {number}: {path} = {p_params.get(path)!r}, '
                        f'SerialIterator {params[path]!r}')
    if p_events != events:
        return f'updates and extension calls {p_events}, SerialIterator {events}'
    (step, iteration, optimizer), (p_step, p_iteration, p_optimizer) = final, p_final
    if (p_step, p_iteration) != (step, iteration):
        return (f'after run(): iterator {p_step}, iteration {p_iteration}; SerialIterator '
                f'{step}, iteration {iteration}')
    if sorted(p_optimizer) != sorted(optimizer):
        return f'optimizer state keys {sorted(p_optimizer)}, SerialIterator {sorted(optimizer)}'
    for key in sorted(optimizer):
        if not same_values(p_optimizer[key], optimizer[key]):
            return f'optimizer {key} = {p_optimizer[key]!r}, SerialIterator {optimizer[key]!r}'
    return None


@rule('iterator', source=THREAD.format('__next__') + ', ' + PROCESS.format('__next__'))
@pytest.mark.parametrize('kind', scenarios.PARALLEL_KINDS)
@given(scenario=training_scenarios.small_scenarios(modes=('save_npz',)),
       options=scenarios.parallel_options(), data=st.data())
def test_training_with_a_parallel_iterator_follows_serial_iterators_trajectory(
        out_dir, ns, kind, scenario, options, data):
    """A trainer (``StandardUpdater``, shifts, interval- and epoch-triggered
    extensions) over a small model trains the same way whichever iterator
    feeds it, given the same order (index order, a user's order sampler, or
    ``shuffle=True``/the default from the same NumPy global random state):
    with ``kind`` as with SerialIterator, the parameters and the iterator's
    counters after every iteration, the updates and extension calls, and
    after ``run()`` the counters, iteration and optimizer state agree
    (floats within the rounding of one arithmetic)."""
    order = data.draw(st.one_of(scenarios.index_order(scenario.n),
                                scenarios.custom_orders(scenario.n),
                                scenarios.global_shuffles(scenario.n)), label='order')
    serial = runner.run_training(ns, 'SerialIterator', scenario, order, options, out_dir)
    parallel = runner.run_training(ns, kind, scenario, order, options, out_dir)
    problem = trajectory_mismatch(kind, serial, parallel)
    assert problem is None, (
        f'training {scenario} with {kind}({options.kwargs(kind)}), order {order}, leaves '
        f'the trajectory of SerialIterator: {problem}')


@rule('iterator', source=PROCESS.format('__copy__'))
@given(scenario=scenarios.scenarios(orders=(scenarios.custom_orders,), steps=(1, 10)),
       options=scenarios.parallel_options(), data=st.data())
def test_a_copied_multiprocess_iterator_goes_on_from_the_same_position(
        ns, scenario, options, data):
    """``copy.copy`` of a MultiprocessIterator with an order sampler, made
    after any number of calls, is a new iterator (its own workers) at the
    same position and with the same worker settings: its state and the
    batches and counters of its calls are the model's, as if the original
    went on (which is finalized)."""
    before = saved_at(scenario, data.draw(st.integers(0, scenario.steps),
                                          label='calls before copying'))
    trace = runner.run_copy(ns, 'MultiprocessIterator', scenario, options, before)
    assert trace.settings == options.kwargs('MultiprocessIterator'), (
        f'copy of MultiprocessIterator({options.kwargs("MultiprocessIterator")}): '
        f'attributes {trace.settings}')
    expected = after_loading(scenario, before)
    assert documented(trace.steps) == expected, records_mismatch(
        f'MultiprocessIterator({options.kwargs("MultiprocessIterator")}) copied after '
        f'{before} calls: state of the copy and after each next()', scenario, expected,
        documented(trace.steps))


CROSS_READ_CASES = [
    (scenarios.IteratorScenario(5, 2, True, scenarios.CustomOrder((4, 2, 0, 1, 3), 1), 7), 3),
    (scenarios.IteratorScenario(4, 3, False, scenarios.CustomOrder((1, 3, 2, 0), 0), 4), 1),
]


@rule('iterator', source=PROCESS.format('serialize') + ', ' + THREAD.format('serialize'))
@pytest.mark.parametrize('reader', ['SerialIterator', 'MultiprocessIterator'])
@pytest.mark.parametrize('scenario,before', CROSS_READ_CASES, ids=['repeat-at3', 'once-at1'])
def test_a_multithread_snapshot_is_read_by_the_other_kinds(ns, reader, scenario, before):
    """A MultithreadIterator's snapshot (order under ``_order``) loaded into
    a SerialIterator or a MultiprocessIterator with an order sampler: they
    read ``_order`` where ``order`` is missing and go on with the model's
    batches and counters.  (Fixed cases: the random property draws this
    pairing too rarely to rely on.)"""
    keys, saved, trace = runner.run_save_load(
        ns, 'MultithreadIterator', reader, scenario, scenarios.ParallelOptions(1), before)
    assert keys == saved_keys('MultithreadIterator', scenario.order)
    expected = after_loading(scenario, before)
    assert documented(trace.steps) == expected, records_mismatch(
        f'{reader} loaded from the snapshot of MultithreadIterator after {before} calls',
        scenario, expected, documented(trace.steps))


UNSHUFFLED_CASES = [
    (scenarios.IteratorScenario(5, 2, True, None, 6), 0),
    (scenarios.IteratorScenario(5, 2, True, None, 6), 3),     # mid-epoch, after a wrap
    (scenarios.IteratorScenario(6, 4, False, None, 4), 1),    # without repeat
]


@rule('iterator', source=PROCESS.format('serialize'))
@diverges('chainer', reason='MultiprocessIterator.serialize saves self._state.order.copy() '
          'and loads into a copy of it, but an unshuffled iterator has no order (None): '
          'saving or loading raises AttributeError, where SerialIterator (whose keys it '
          'documents as its own) saves and loads the same iterator',
          source=PROCESS.format('serialize'))
@pytest.mark.parametrize('scenario,before', UNSHUFFLED_CASES,
                         ids=[f'n{s.n}-b{s.batch_size}-{"repeat" if s.repeat else "once"}-at{b}'
                              for s, b in UNSHUFFLED_CASES])
def test_an_unshuffled_multiprocess_iterator_is_saved_and_loaded_as_serial_iterator(
        ns, scenario, before):
    """``MultiprocessIterator(..., shuffle=False)`` saved before its first
    call, mid-epoch or at an epoch end writes SerialIterator's keys (no
    order) and a fresh one that loads them goes on with the model's batches
    and counters.  (Fixed cases: each builds process pools.)"""
    try:
        keys, saved, trace = runner.run_save_load(
            ns, 'MultiprocessIterator', 'MultiprocessIterator', scenario,
            scenarios.ParallelOptions(1), before)
    except Exception as error:  # Chainer's AttributeError, as a failed assertion
        raise AssertionError(f'saving after {before} calls and loading raised '
                             f'{type(error).__name__}: {error}') from error
    assert keys == BASE_KEYS, f'saved keys {keys}, expected {BASE_KEYS}'
    expected = after_loading(scenario, before)
    assert documented(trace.steps) == expected, records_mismatch(
        f'MultiprocessIterator loaded after {before} calls', scenario, expected,
        documented(trace.steps))


def expected_failure(scenario, bad):
    """The batches before the one holding ``bad``, then its error."""
    batches = [list(s.batch) for s in predict(scenario.n, scenario.batch_size, True,
                                              scenario.steps - 1).steps[1:]]
    return batches + [f'DatasetError: {(bad,)!r}']


def check_failing(ns, kind, scenario, bad, options, timeout=2.0):
    outcomes, left = runner.run_failing(ns, kind, scenario, options, bad, timeout)
    expected = expected_failure(scenario, bad)
    assert outcomes == expected, (
        f'{kind}({options.kwargs(kind)}) over {scenario.n} items, batch_size '
        f'{scenario.batch_size}, item {bad} raising: next() gave {outcomes}, expected {expected}')
    assert not left, f'{kind}: still alive after finalize(): {sorted(left)}'


@rule('iterator', source=THREAD.format('__next__') + ', ' + THREAD.format('finalize'))
@given(case=scenarios.failing_scenarios(), options=scenarios.parallel_options())
def test_a_dataset_error_reaches_the_caller_of_a_multithread_iterator(ns, case, options):
    """An exception raised by the dataset's ``__getitem__`` in a worker
    thread is raised, itself, by the ``next()`` whose batch holds the item;
    the batches before are the model's; after ``finalize()`` no thread the
    iterator started is alive."""
    scenario, bad = case
    check_failing(ns, 'MultithreadIterator', scenario, bad, options)


# Few, fixed cases: each builds a process pool, and Chainer hangs on some.
PROCESS_START_GUARD = 10.0     # seconds; the reference's pool answers well within it
FAILING_PROCESS_CASES = [
    (scenarios.IteratorScenario(4, 2, True, None, 1), 0),     # the first batch
    (scenarios.IteratorScenario(5, 2, True, None, 3), 5 - 1),  # a worker's, ending the epoch
]


@rule('iterator', source=PROCESS.format('__next__') + ', ' + PROCESS.format('finalize'))
@diverges('chainer', reason='the first batch is read by a helper thread whose exception is '
          'lost, and next() then fails with TypeError (NoneType batch); an error in a worker '
          'process leaves next() waiting for a batch that never comes (caught here by a '
          '10-second guard); the documentation promises the iterator yields the dataset\'s '
          'examples like SerialIterator, whose __getitem__ errors reach the caller',
          source=PROCESS.format('__next__') + ' (_PrefetchLoop.measure, _fetch_run)')
@pytest.mark.parametrize('case', FAILING_PROCESS_CASES,
                         ids=[f'n{s.n}-b{s.batch_size}-bad{bad}'
                              for s, bad in FAILING_PROCESS_CASES])
def test_a_dataset_error_reaches_the_caller_of_a_multiprocess_iterator(ns, case):
    """As for MultithreadIterator: the dataset's exception (pickled back
    from the worker process) is raised by the ``next()`` whose batch holds
    the item, and after ``finalize()`` no process or thread the iterator
    started is alive."""
    scenario, bad = case
    # Starting worker processes takes seconds on a loaded machine: a longer guard.
    check_failing(ns, 'MultiprocessIterator', scenario, bad, scenarios.ParallelOptions(2),
                  timeout=PROCESS_START_GUARD)
