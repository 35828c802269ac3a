"""What ``Trainer.run`` does around the main loop (family 'lifecycle').

Chainer's rule (``Trainer.run``): refuse to run after a completed run; call
every extension's ``initialize`` unless its trigger reports ``finished``;
if no update was done yet, call the ``call_before_training`` extensions;
loop (stop trigger, fresh observation, update, triggered extensions); on an
``Exception``, call every ``on_error`` and re-raise the same exception; in
any case call every ``finalize`` and then ``updater.finalize``.  The model:
``conformance/models/trainer.py``.
"""
import pytest
from hypothesis import example, given, strategies as st

from conformance import harness
from conformance.diff import model_mismatch
from conformance.models.trainer import trainer_run
from conformance.models.updater import updater_wiring
from conformance.runners import trainer as runner
from conformance.runners import trainer_api
from conformance.runners import updater as updater_runner
from conformance.spec import rule
from conformance.strategies import trainer as scenarios

RUN_SOURCE = 'chainer/training/trainer.py:Trainer.run@v7.8.1'


# --- projections of the event log ---------------------------------------------

def start_of_training(events):
    """Events up to the first consultation of the stop trigger."""
    first_stop = next(i for i, e in enumerate(events) if e[0] == 'stop?')
    return events[:first_stop + 1]


def loop_and_shutdown(events):
    """Updates, calls, error handlers, finalizers and the run's outcome."""
    kept = ('update', 'on_error', 'finalize', 'updater.finalize', 'raised', 'returned', 'run')
    return [e[:4] if e[0] == 'call' else e for e in events if e[0] in kept + ('call',)]


def from_run(events, index):
    return events[events.index(('run', index)):]


def check(out_dir, ns, scenario, project, what):
    expected = project(trainer_run(scenario))
    actual = project(runner.run_trainer(ns, out_dir, scenario))
    assert actual == expected, model_mismatch(scenario, expected, actual, what)


# --- before training -----------------------------------------------------------

@rule('lifecycle', source=RUN_SOURCE)
@given(scenario=scenarios.lifecycle_scenarios(before_training=st.booleans()))
def test_call_before_training_runs_once_after_initialize_and_before_the_first_update(
        out_dir, ns, scenario):
    """On a fresh updater, every ``initialize`` runs first, then each
    ``call_before_training`` extension once at iteration 0 with
    ``is_before_training`` true, without consulting its trigger, then the
    loop starts."""
    check(out_dir, ns, scenario, start_of_training, 'start of training')


@rule('lifecycle', source=RUN_SOURCE, level='quirk')
@given(scenario=scenarios.lifecycle_scenarios(prior=st.integers(1, 3),
                                              before_training=st.booleans()))
def test_call_before_training_is_skipped_when_the_updater_already_ran(out_dir, ns, scenario):
    """``call_before_training`` extensions are called only when the updater
    is at iteration 0; a trainer over an updater that already made updates
    (as after a resume) goes straight to the loop."""
    check(out_dir, ns, scenario, start_of_training, 'start of training')


# --- extend while running ----------------------------------------------------------

@rule('lifecycle', source=RUN_SOURCE, level='quirk')
@given(where=st.sampled_from(('initialize', 'call')), at=st.integers(1, 4),
       stop=st.integers(4, 6))
def test_an_extension_registered_while_running_joins_only_the_next_run(
        out_dir, ns, where, at, stop):
    """``run`` sorts the extensions once, when it starts, and uses that list
    for every phase: an extension registered by another one while the run is
    under way (from ``initialize`` or a call) is registered (``get_extension``
    finds it) but neither initialized, called nor finalized in that run."""
    seen, registered = trainer_api.run_extend_during_run(ns, out_dir, where, at, stop)
    assert (seen, registered) == ([], True), (
        f'extension registered from {where}' + (f' at iteration {at}' if where == 'call' else '')
        + f' of a run of {stop} iterations: it saw {seen}, registered: {registered}; '
        'Chainer calls none of its methods in the run under way')


# --- initialize ------------------------------------------------------------------

@rule('lifecycle', source=RUN_SOURCE)
@given(scenario=scenarios.lifecycle_scenarios())
def test_initialize_runs_once_unless_the_trigger_reports_finished(out_dir, ns, scenario):
    """``initialize`` runs once per run, before any call, except for an
    extension whose trigger has a true ``finished``; ``finished`` does not
    stop the calls its trigger asks for."""
    def project(events):
        return [e[:4] for e in events if e[0] in ('init', 'call')]
    check(out_dir, ns, scenario, project, "initialize and calls ('call', label, it, before)")


@rule('lifecycle', source=RUN_SOURCE)
@given(form=st.sampled_from(('function', 'object')), at_extend=st.none() | st.booleans(),
       at_run=st.none() | st.booleans(), stop=st.integers(1, 3))
def test_initialize_reads_finished_from_the_registered_trigger_when_run_starts(
        out_dir, ns, form, at_extend, at_run, stop):
    """``extend`` keeps a callable trigger itself (``get_trigger`` returns it
    unchanged) and ``run`` reads its ``finished`` when it starts: the value
    set, changed or removed after ``extend`` decides whether ``initialize``
    runs (``None``: no such attribute)."""
    seen = trainer_api.run_finished_changed_after_extend(
        ns, out_dir, form, at_extend, at_run, stop)
    expected = [('initialize',)] * (not at_run) + [('call', it) for it in range(1, stop + 1)]
    assert seen == expected, (
        f'a {form} trigger whose finished was {at_extend} at extend and {at_run} at run '
        f'(None: absent): the extension saw {seen}, expected {expected}')


# --- errors and finalization ------------------------------------------------------

@rule('lifecycle', source=RUN_SOURCE)
@given(scenario=scenarios.lifecycle_scenarios(failure=True))
def test_an_error_calls_every_on_error_then_every_finalize_and_is_reraised(
        out_dir, ns, scenario):
    """When an extension or the update raises, nothing else of the loop
    runs; every ``on_error(trainer, exc, tb)`` gets that exception and its
    traceback, then every ``finalize`` and ``updater.finalize`` run, and
    ``run`` re-raises the very same exception object."""
    check(out_dir, ns, scenario, loop_and_shutdown, 'loop and shutdown')


@rule('lifecycle', source=RUN_SOURCE, level='quirk')
@given(scenario=scenarios.lifecycle_scenarios(failure=True, handler_errors=True))
def test_an_error_in_on_error_is_swallowed_and_the_original_reraised(out_dir, ns, scenario):
    """With ``show_loop_exception_msg=True`` (the default) an exception
    raised by an ``on_error`` handler is reported and ignored: the remaining
    handlers and the finalizers still run and the original error is
    re-raised."""
    check(out_dir, ns, scenario, loop_and_shutdown, 'loop and shutdown')


@rule('lifecycle', source=RUN_SOURCE)
@given(scenario=scenarios.lifecycle_scenarios(runs=st.just(2)))
def test_run_after_a_completed_run_is_refused(out_dir, ns, scenario):
    """``run`` cannot run a trainer twice: after a run that ended normally a
    second ``run`` raises ``RuntimeError('cannot run training loop multiple
    times')`` and calls nothing."""
    check(out_dir, ns, scenario, lambda events: from_run(events, 1), 'second run')


@rule('lifecycle', source=RUN_SOURCE, level='quirk')
@given(scenario=scenarios.lifecycle_scenarios(failure=True, runs=st.just(2)))
def test_run_after_a_failed_run_initializes_again_and_continues(out_dir, ns, scenario):
    """A run that raised does not count as done: ``run`` may be called again;
    it initializes the extensions again, skips the before-training calls
    and continues the loop from the current iteration, the triggers keeping
    their state."""
    check(out_dir, ns, scenario, lambda events: from_run(events, 1), 'second run')


# --- elapsed time ------------------------------------------------------------

@rule('lifecycle', source='chainer/training/trainer.py:Trainer.elapsed_time@v7.8.1',
      level='quirk')
@given(stop=st.integers(1, 4))
def test_elapsed_time_is_refused_before_run_and_frozen_after_it(out_dir, ns, stop):
    """``elapsed_time`` raises ``RuntimeError`` before ``run``; it is
    readable from ``initialize`` on, never decreases during the run, and
    stays at its final value after the run, at most the time ``run`` took
    (a fresh trainer starts counting from 0)."""
    before, during, after, wall = trainer_api.run_elapsed_time(ns, out_dir, stop)
    assert before == 'RuntimeError', (
        f'elapsed_time before run: expected RuntimeError, got {before!r}')
    assert len(during) == stop + 1 and all(isinstance(t, float) for t in during), during
    assert during == sorted(during) and during[0] >= 0, f'elapsed_time during the run: {during}'
    assert after[0] == after[1] >= during[-1], (
        f'elapsed_time after the run: {after}, last reading during it {during[-1]}')
    assert after[0] <= wall, (
        f'elapsed_time after the run is {after[0]} s, but the run took {wall} s: '
        'a fresh trainer counts from the start of run()')


@rule('lifecycle', source='chainer/training/trainer.py:Trainer.serialize@v7.8.1',
      level='quirk')
@given(seconds=st.none() | st.floats(1e3, 1e6))
def test_a_loaded_trainer_counts_on_from_the_saved_elapsed_time_or_from_zero(
        out_dir, ns, seconds):
    """A trainer loaded from a snapshot adds the snapshot's
    ``_snapshot_elapsed_time`` to the time it runs; a snapshot loaded
    non-strictly without that key counts as 0 seconds."""
    elapsed, wall = trainer_api.run_resumed_elapsed_time(ns, out_dir, seconds)
    start = 0.0 if seconds is None else seconds
    assert start <= elapsed <= start + wall, (
        f'elapsed_time after the resumed run: {elapsed}, expected between the saved '
        f'{start} s and that plus the {wall} s the run took')


# --- the base extension ----------------------------------------------------------

@rule('lifecycle', source='chainer/training/extension.py:Extension.__call__@v7.8.1')
@given(period=st.integers(1, 3))
def test_an_extension_that_does_not_override_call_raises_not_implemented(out_dir, ns, period):
    """``Extension.__call__`` must be overridden: a subclass that does not
    makes ``run`` raise ``NotImplementedError`` (Chainer's message) at the
    extension's first trigger, after that many updates."""
    class Bare(ns.training.Extension):
        trigger = (period, 'iteration')

    trainer = harness.make_trainer(ns, out_dir, stop=(period + 2, 'iteration'))
    trainer.extend(Bare())
    with pytest.raises(NotImplementedError) as raised:
        trainer.run()
    assert str(raised.value) == 'Extension implementation must override __call__.', raised.value
    assert trainer.updater.iteration == period, (
        f'NotImplementedError raised at iteration {trainer.updater.iteration}, '
        f'expected at the first trigger, iteration {period}')


INVOKE_REMOVED = ('invoke_before_training has been removed since Chainer v2.0.0. '
                  'Use initializer= instead.')


@rule('lifecycle', source='chainer/training/trainer.py:Trainer.extend@v7.8.1', level='quirk')
@given(keywords=scenarios.rejected_keywords())
@example(keywords=('x_b', 'x_a'))
def test_extend_and_make_extension_reject_unknown_keywords(out_dir, ns, keywords):
    """``extend`` and ``make_extension`` refuse keyword arguments they do not
    take before doing anything: the removed ``invoke_before_training`` with
    ``ValueError`` (it says to use ``initializer=``), any other with
    ``TypeError: ...() got unexpected keyword argument(s) 'a', 'b'`` (sorted,
    repr'ed; which function the message names is not pinned: Chainer names
    its helper)."""
    actual = trainer_api.run_rejected_keywords(ns, out_dir, keywords)
    if 'invoke_before_training' in keywords:
        expected = ('ValueError', INVOKE_REMOVED)
    elif keywords:
        expected = ('TypeError', 'got unexpected keyword argument(s) '
                    + ', '.join(repr(k) for k in sorted(keywords)))
    else:
        expected = ('returned',)
    for call in ('extend', 'make_extension'):
        outcome = actual[call]
        if outcome[0] == 'TypeError':   # drop the function name: '<name>() got ...'
            outcome = (outcome[0], outcome[1].split('() ', 1)[-1])
        assert outcome == expected, (
            f'{call}(**{dict.fromkeys(keywords)}): expected {expected}, got {actual[call]}')
    registered = 'returned' if not keywords else 'ValueError'
    assert actual['registered'] == registered, (
        f'get_extension after the extend call: expected {registered}, got '
        f"{actual['registered']} (keywords {keywords})")


@rule('lifecycle', source='chainer/training/extension.py:Extension.__getattr__@v7.8.1',
      level='quirk')
@given(class_name=scenarios.class_names(), names=scenarios.missing_attributes())
def test_a_missing_extension_attribute_raises_attribute_error_with_chainers_message(
        ns, class_name, names):
    """Reading an attribute an ``Extension`` does not have raises
    ``AttributeError('<class> object has no attribute <name>')``; for the
    removed ``invoke_before_training`` the message says to use
    ``Extension.initialize``."""
    expected = [('AttributeError',
                 'invoke_before_training has been removed since Chainer v2.0.0. '
                 'Use Extension.initialize instead.' if name == 'invoke_before_training'
                 else f'{class_name} object has no attribute {name}') for name in names]
    actual = trainer_api.run_missing_attributes(ns, class_name, names)
    assert actual == expected, model_mismatch(
        (class_name, names), expected, actual, 'getattr outcomes')


# --- what a failed run reports -------------------------------------------------------

def _headers(text):
    """The report's own lines: everything but the indented traceback frames."""
    return [line for line in text.splitlines() if not line.startswith(' ')]


def _last_frame_function(text, header):
    """The function of the last frame of the traceback printed after
    ``header``, and the line that follows that traceback."""
    after = text.split(header, 1)[1].split('\nTraceback (most recent call last):\n', 1)[1]
    frames, following = [], None
    for line in after.splitlines():
        if not line.startswith(' '):
            following = line
            break
        frames.append(line)
    names = [line.rsplit(', in ', 1)[1] for line in frames if line.startswith('  File ')]
    return (names[-1] if names else None), following


def _innermost_function(tb):
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return None if tb is None else tb.tb_frame.f_code.co_name


@rule('lifecycle', source=RUN_SOURCE, level='quirk')
@given(at=st.integers(1, 3), handlers=st.lists(st.booleans(), min_size=1, max_size=3))
def test_a_failed_run_reports_the_error_and_each_failing_handler_on_stderr(
        out_dir, ns, at, handlers):
    """An exception in the loop is written to stderr as ``Exception in main
    training loop: <error>``, its traceback (down to the raising frame) and
    ``Will finalize trainer extensions and updater before reraising the
    exception.``; then every ``on_error(trainer, error, traceback)`` runs and
    each one that raises is written as ``Exception in error handler: <its
    error>`` with its own traceback."""
    import contextlib
    import io

    def fail_in_loop(trainer):
        if trainer.updater.iteration == at:
            raise RuntimeError(f'loop error at {at}')

    received = []

    def make_handler(k, raises):
        def on_error(*args):
            received.append(args)
            if raises:
                raise ValueError(f'handler {k} failed')
        extension = ns.training.make_extension()(lambda trainer: None)
        extension.on_error = on_error
        return extension

    trainer = harness.make_trainer(ns, out_dir, stop=(at + 1, 'iteration'))
    for k, raises in enumerate(handlers):
        trainer.extend(make_handler(k, raises), name=f'handler{k}')
    trainer.extend(fail_in_loop, name='failing')
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), pytest.raises(RuntimeError) as raised:
        trainer.run()
    text = stderr.getvalue()
    expected = [f'Exception in main training loop: loop error at {at}',
                'Traceback (most recent call last):',
                'Will finalize trainer extensions and updater before reraising the exception.']
    for k, raises in enumerate(handlers):
        if raises:
            expected += [f'Exception in error handler: handler {k} failed',
                         'Traceback (most recent call last):']
    assert _headers(text) == expected, f'stderr of the failed run:\n{text}'
    assert _last_frame_function(text, expected[0]) == ('fail_in_loop', expected[2]), (
        f'the loop traceback does not end in the raising extension:\n{text}')
    for k, raises in enumerate(handlers):
        if raises:
            header = f'Exception in error handler: handler {k} failed'
            assert _last_frame_function(text, header)[0] == 'on_error', (
                f'the traceback of handler {k} does not end in its on_error:\n{text}')
    error = raised.value
    assert [(a[0] is trainer, a[1] is error, _innermost_function(a[2])) for a in received] == [
        (True, True, 'fail_in_loop')] * len(handlers), (
        f'on_error arguments {received}: expected (trainer, the error, its traceback)')


# --- construction --------------------------------------------------------------------

@rule('lifecycle', source='chainer/training/trainer.py:Trainer.__init__@v7.8.1')
@given(scenario=scenarios.construction_scenarios())
def test_trainer_construction_keeps_its_arguments_then_connects_then_extends(
        out_dir, ns, scenario):
    """``Trainer(updater, stop_trigger=None, out='result', extensions=None)``
    keeps ``updater`` and ``out``, starts with an empty ``observation``, never
    stops without a stop trigger, calls ``updater.connect_trainer(trainer)``
    once and then registers ``extensions`` in order as ``extend`` does."""
    count = scenario.extensions or 0
    expected = {
        'out': '<given>' if scenario.out_given else 'result',
        'updater': True,
        'observation': {},
        'connect_trainer': [(True, [False] * count)],
        'names': [f'x{i}' for i in range(count)],
        'registered': [True] * count,
        'stop_trigger': False,
    }
    actual = trainer_api.run_construction(ns, out_dir, scenario)
    for part, value in expected.items():
        assert actual[part] == value, (
            f'{part}: expected {value!r}, got {actual[part]!r}\n  scenario: {scenario}')


@rule('lifecycle', source=RUN_SOURCE + '; chainer/training/util.py:_never_fire_trigger@v7.8.1 '
      '(SEMANTICS B7)')
@given(n=st.integers(1, 7), batch_size=st.integers(1, 3), left_out=st.booleans())
def test_without_a_stop_trigger_a_run_ends_only_by_the_error_of_an_exhausted_iterator(
        out_dir, ns, n, batch_size, left_out):
    """Without a stop trigger (``None``, the default) the loop never stops
    by itself: over an iterator that does not repeat it trains on every
    batch (the last one short), and the ``StopIteration`` of the next
    ``next()`` takes the error path: each ``on_error``, each ``finalize``,
    and the same error out of ``run()``."""
    events = runner.run_without_stop_trigger(ns, out_dir, n, batch_size, left_out)
    batches = -(-n // batch_size)
    expected = [('call', i + 1, min(batch_size, n - i * batch_size)) for i in range(batches)]
    expected += [('on_error', 'StopIteration'), ('finalize',), ('raised', 'StopIteration')]
    assert events == expected, model_mismatch(
        f'Trainer(updater{"" if left_out else ", stop_trigger=None"}) over '
        f'SerialIterator({n} examples, batch_size={batch_size}, repeat=False)',
        expected, events, 'events (extension calls with the iteration and the batch size, '
        'on_error, finalize, the end of run())')


# --- the standard updater's wiring ----------------------------------------------------

@rule('lifecycle', source='chainer/training/updaters/standard_updater.py:StandardUpdater@v7.8.1')
@given(scenario=scenarios.updater_scenarios())
def test_standard_updater_keeps_its_objects_by_name_and_finalizes_every_iterator(
        out_dir, ns, scenario):
    """``StandardUpdater`` names a single iterator or optimizer ``'main'``,
    keeps dicts as given, resolves ``device`` and ``input_device`` (which
    defaults to ``device``) and sends every model to ``device``, sets each
    optimizer's ``use_auto_new_epoch`` to ``auto_new_epoch``; an update
    touches only ``'main'``; the end of the run finalizes every iterator;
    ``serialize`` writes every iterator, optimizer and model under its name
    and ``iteration``."""
    trace = updater_runner.run_updater(ns, out_dir, scenario)
    for part, value in updater_wiring(scenario).items():
        assert trace[part] == value, (
            f'{part}: expected {value!r}, got {trace[part]!r}\n  scenario: {scenario}')
