"""Differential tests: best-value, early-stopping and time triggers and the
Evaluator of the reference against live Chainer 7.8.1.

Each runner drives one scenario through an implementation namespace
(``chainer`` or ``reference``) and returns a plain trace; ``same`` runs it on
both and asserts the traces are equal.  No expected value is written by hand.
The training loops use a stand-in optimizer (plain Python, shared by both)
whose model reports a chosen value per iteration, so that the observation
stream is exactly the one the test picks.
"""
import contextlib
import io
import threading
import types
import warnings

import numpy
import pytest

from conformance.chainer_compat import import_chainer
from tests.reference.both import IMPLEMENTATIONS, outcome, same  # noqa: F401

chainer = import_chainer()
import chainer.serializers  # noqa: E402
import chainer.training  # noqa: E402
import chainer.training.extensions  # noqa: E402
import chainer.training.triggers  # noqa: E402

import reference  # noqa: E402
import reference.serializers  # noqa: E402
import reference.training  # noqa: E402


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    """``Trainer.run`` creates its ``out`` directory; keep it out of git."""
    monkeypatch.chdir(tmp_path)


def plain(value):
    """Arrays and NumPy scalars as (dtype, nested lists) for comparison;
    Variables as ('Variable', their array)."""
    if isinstance(value, (chainer.Variable, reference.Variable)):
        return 'Variable', plain(value.array)
    if isinstance(value, (numpy.ndarray, numpy.generic)):
        return str(numpy.asarray(value).dtype), numpy.asarray(value).tolist()
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in sorted(value.items())}
    return value


def caught_warnings(function):
    """Run ``function``; return ``(outcome, [(category, message)])``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        result = outcome(function)
    return result, [(w.category.__name__, str(w.message)) for w in caught]


# ---------------------------------------------------------------- stand-ins

class ScriptedModel:
    """Reports ``values[k]`` as ``<name>`` on its k-th call (an observer);
    ``None`` reports nothing."""

    def __init__(self, impl, values, key='loss', start=0):
        self.impl = impl
        self.values = values
        self.key = key
        self.calls = start

    def namedlinks(self, skipself=False):
        if not skipself:
            yield '/', self

    def serialize(self, serializer):
        pass

    def __call__(self, *args):
        value = self.values[self.calls] if self.calls < len(self.values) \
            else None
        self.calls += 1
        if value is not None:
            self.impl.report({self.key: value}, self)


class StubOptimizer:
    """What StandardUpdater needs from an optimizer; updates nothing."""

    def __init__(self, target):
        self.target = target
        self.epoch = 0
        self.t = 0
        self.use_auto_new_epoch = False

    def update(self, lossfun=None, *args, **kwargs):
        lossfun(*args, **kwargs)
        self.t += 1

    def new_epoch(self, auto=False):
        self.epoch += 1

    def serialize(self, serializer):
        self.t = serializer('t', self.t)
        self.epoch = serializer('epoch', self.epoch)


def scripted_trainer(impl, values, stop, epoch_size=4, key='loss', start=0,
                     **kwargs):
    """A trainer whose iteration k (1-based) observes ``main/<key>`` =
    ``values[start + k - 1]``; an epoch is ``epoch_size`` iterations."""
    model = ScriptedModel(impl, values, key=key, start=start)
    it = impl.iterators.SerialIterator(
        numpy.zeros(epoch_size, dtype=numpy.float32), 1, shuffle=False)
    updater = impl.training.updaters.StandardUpdater(it, StubOptimizer(model))
    return impl.training.Trainer(updater, stop, **kwargs)


def firing_log(log, trigger_holder=None):
    """An extension logging ``(iteration, best)`` whenever it is called."""
    def record(trainer):
        best = getattr(trigger_holder, '_best_value', None) \
            if trigger_holder is not None else None
        log.append((trainer.updater.iteration, plain(best)))
    return record


# ------------------------------------------- best-value triggers in a loop

def best_compare(best, new):
    """A custom comparison: closer to 2 is better (ties are not)."""
    return abs(new - 2) < abs(best - 2)


def make_best_trigger(impl, kind, check):
    triggers = impl.training.triggers
    if kind == 'min':
        return triggers.MinValueTrigger('main/loss', trigger=check)
    if kind == 'max':
        return triggers.MaxValueTrigger('main/loss', check)
    return triggers.BestValueTrigger('main/loss', best_compare, trigger=check)


SEQUENCES = {
    'mixed': [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0],
    'ties': [2.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0, 1.0, 3.0, 3.0, 3.0, 3.0],
    'gaps': [1.0, None, 4.0, None, None, 0.5, 7.0, None, 2.0, 2.0, None, 9.0],
    'float32': [numpy.float32(v) for v in (0.1, 0.3, 0.2, 0.7, 0.05, 0.6,
                                           0.4, 0.8, 0.9, 0.01, 0.5, 0.3)],
}


def run_best_value(impl, kind, check, sequence):
    values = SEQUENCES[sequence]
    trainer = scripted_trainer(impl, values, (len(values), 'iteration'))
    trigger = make_best_trigger(impl, kind, check)
    log = []
    trainer.extend(firing_log(log, trigger), trigger=trigger)
    with contextlib.redirect_stderr(io.StringIO()):
        result = outcome(trainer.run, message=False)
    return result, log, plain(trigger._best_value)


@pytest.mark.parametrize('kind', ['min', 'max', 'best'])
@pytest.mark.parametrize('check', [(1, 'epoch'), (1, 'iteration'),
                                   (3, 'iteration'), (0.5, 'epoch')])
@pytest.mark.parametrize('sequence', sorted(SEQUENCES))
def test_best_value_triggers_fire_where_chainers_do(kind, check, sequence):
    same(run_best_value, kind, check, sequence)


def test_best_value_trigger_interval_without_the_key_raises():
    # (1, 'iteration') over 'gaps': iteration 2 reports nothing.
    trace = same(run_best_value, 'min', (1, 'iteration'), 'gaps')
    assert trace[0][0] == 'KeyError'


def run_best_value_serialization(impl, kind, before, after, check):
    """Keys written, then an interrupted run resumed from ``save_npz``."""
    values = SEQUENCES['mixed']
    trigger = make_best_trigger(impl, kind, check)
    fresh_keys = {}
    impl.serializers.DictionarySerializer(fresh_keys).save(trigger)
    fresh_keys = sorted((key, str(numpy.asarray(v).dtype))
                        for key, v in fresh_keys.items())

    log = []
    first = scripted_trainer(impl, values, (before, 'iteration'))
    first.extend(firing_log(log, trigger), trigger=trigger, name='rec')
    first.run()
    saved = {}
    impl.serializers.DictionarySerializer(saved).save(first)
    keys = sorted(key for key in saved if 'extension_triggers/rec' in key)
    impl.serializers.save_npz('snap.npz', first)

    second = scripted_trainer(impl, values, (after, 'iteration'),
                              start=before)
    resumed = make_best_trigger(impl, kind, check)
    second.extend(firing_log(log, resumed), trigger=resumed, name='rec')
    load_result = outcome(impl.serializers.load_npz, 'snap.npz', second,
                          message=False)
    loaded_best = type(resumed._best_value).__name__
    with contextlib.redirect_stderr(io.StringIO()):
        run_result = outcome(second.run, message=False)
    return (fresh_keys, keys, load_result, loaded_best, run_result, log,
            plain(resumed._best_value))


@pytest.mark.parametrize('kind', ['min', 'max', 'best'])
@pytest.mark.parametrize('before, after, check', [
    (1, 12, (1, 'iteration')),
    (5, 12, (1, 'epoch')),    # saved mid-interval: the summary is resumed
    (6, 12, (3, 'iteration')),
    (2, 12, (1, 'epoch')),    # saved before any comparison: best is None
])
def test_best_value_trigger_serializes_and_resumes_like_chainer(
        kind, before, after, check):
    same(run_best_value_serialization, kind, before, after, check)


# ------------------------------------------------- EarlyStoppingTrigger

STOPPING_SEQUENCES = {
    'improves': [5.0, 4.0, 3.0, 2.0, 1.0, 0.5, 0.4, 0.3, 0.2, 0.1] * 3,
    'plateau': [5.0, 4.0, 4.0, 4.5, 4.0, 6.0, 3.0, 3.5, 3.9, 4.0] * 3,
    'rising': [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0] * 3,
}


def run_early_stopping(impl, sequence, key, kwargs, epoch_size=2):
    values = STOPPING_SEQUENCES[sequence]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        made = caught_warnings(lambda: impl.training.triggers.
                               EarlyStoppingTrigger(**kwargs))
    if made[0][0] != 'ok':
        return made, out.getvalue()
    trigger = made[0][1]
    trainer = scripted_trainer(impl, values, trigger, key=key,
                               epoch_size=epoch_size)
    log = []
    trainer.extend(lambda t: log.append(t.updater.iteration),
                   trigger=(1, 'iteration'))
    with contextlib.redirect_stdout(out):
        run = caught_warnings(trainer.run)
    return (made[1], run, trainer.updater.iteration, log[-1:], trigger.count,
            plain(trigger.best), trigger.patience, trigger.monitor,
            outcome(trigger.get_training_length), hasattr(trigger,
                                                          'serialize'),
            out.getvalue())


@pytest.mark.parametrize('sequence', sorted(STOPPING_SEQUENCES))
@pytest.mark.parametrize('key, kwargs', [
    ('loss', {}),
    ('loss', {'patience': 1, 'check_trigger': (1, 'iteration')}),
    ('loss', {'patience': 2, 'check_trigger': (3, 'iteration'),
              'verbose': True}),
    ('loss', {'patients': 2, 'verbose': True}),
    ('loss', {'patience': 0}),
    ('loss', {'mode': 'max', 'patience': 2}),
    ('loss', {'mode': 'min', 'patience': 2, 'verbose': True}),
    ('loss', {'max_trigger': (7, 'iteration'), 'patience': 50}),
    ('loss', {'max_trigger': (2, 'epoch'), 'patience': 50}),
    ('accuracy', {'monitor': 'main/accuracy', 'verbose': True}),
    ('accuracy', {'monitor': 'main/accuracy', 'mode': 'min'}),
    ('accuracy', {'monitor': 'main/accuracy', 'mode': 'unknown'}),
    ('my_accuracy_loss', {'monitor': 'main/my_accuracy_loss'}),
    ('loss', {'monitor': 'validation/main/loss',
              'max_trigger': (6, 'iteration')}),
])
def test_early_stopping_stops_where_chainer_does(sequence, key, kwargs):
    same(run_early_stopping, sequence, key, kwargs)


@pytest.mark.parametrize('kwargs', [
    {'patience': 2, 'patients': 2},
    {'patience': None, 'patients': 4},
    {'foo': 1},
])
def test_early_stopping_arguments(kwargs):
    same(run_early_stopping, 'plateau', 'loss', kwargs)


def with_interval_means(values, period):
    """``values`` with each missing value at a check iteration (a multiple
    of ``period``) replaced by the mean of its interval's values, which
    leaves that mean unchanged."""
    filled = list(values)
    for end in range(period, len(values) + 1, period):
        interval = [v for v in values[end - period:end] if v is not None]
        if filled[end - 1] is None and interval:
            filled[end - 1] = sum(interval) / len(interval)
    return filled


def run_early_stopping_gaps(impl, values, period):
    trigger = impl.training.triggers.EarlyStoppingTrigger(
        check_trigger=(period, 'iteration'), patience=2,
        max_trigger=(len(values), 'iteration'))
    trainer = scripted_trainer(impl, values, trigger)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        trainer.run()
    return trainer.updater.iteration, trigger.count, plain(trigger.best), \
        len(caught)


GAPPY = [4.0, None, 3.0, None, 1.0, 5.0, None, None, 6.0, 2.0, None, 3.0,
         7.0, None, 8.0, None, 9.0, None]


def test_early_stopping_compares_each_intervals_mean_as_documented():
    """A check iteration that lacks the monitored value still compares the
    interval's mean (the docstring's rule); Chainer skips it and carries the
    values over.  The reference on the gappy stream equals Chainer on the
    stream whose missing check values are the interval means."""
    period = 2
    documented = run_early_stopping_gaps(
        chainer, with_interval_means(GAPPY, period), period)
    assert run_early_stopping_gaps(reference, GAPPY, period)[:3] == \
        documented[:3]
    # And Chainer itself does differ on the gappy stream.
    assert run_early_stopping_gaps(chainer, GAPPY, period)[:3] != \
        documented[:3]


def test_early_stopping_warns_alike_when_no_value_was_reported():
    same(run_early_stopping_gaps, [None] * 6, 2)


class Interrupt(Exception):
    pass


def run_early_stopping_resume(impl, sequence, at, kwargs):
    """Interrupted at iteration ``at`` (an exception), saved, resumed into a
    fresh trainer and trigger: where does the resumed run stop?"""
    values = STOPPING_SEQUENCES[sequence]
    trace = []
    for start, stop_at in ((0, None), (0, at), (at, None)):
        trigger = impl.training.triggers.EarlyStoppingTrigger(**kwargs)
        trainer = scripted_trainer(impl, values, trigger, start=start,
                                   epoch_size=2)

        def interrupt(t, stop_at=stop_at):
            if t.updater.iteration == stop_at:
                raise Interrupt()
        trainer.extend(interrupt, trigger=(1, 'iteration'))
        if start:
            impl.serializers.load_npz('snap.npz', trainer)
        with warnings.catch_warnings(record=True) as caught, \
                contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter('always')
            result = outcome(trainer.run, message=False)
        if stop_at:
            impl.serializers.save_npz('snap.npz', trainer)
        trace.append((result, trainer.updater.iteration, trigger.count,
                      plain(trigger.best), [str(w.message) for w in caught]))
    return trace


@pytest.mark.parametrize('sequence, at, kwargs', [
    ('plateau', 5, {'patience': 2}),
    ('plateau', 4, {'patience': 2, 'check_trigger': (3, 'iteration')}),
    ('rising', 3, {'patience': 3, 'check_trigger': (1, 'iteration')}),
    ('improves', 9, {'patience': 1, 'max_trigger': (12, 'iteration')}),
])
def test_early_stopping_restarts_its_count_on_resume_like_chainer(
        sequence, at, kwargs):
    same(run_early_stopping_resume, sequence, at, kwargs)


# ---------------------------------------------------------- TimeTrigger

def run_time_trigger(impl, period, times, save_after):
    trigger = impl.training.triggers.TimeTrigger(period)
    fired = []
    for i, elapsed in enumerate(times):
        if i == save_after:
            impl.serializers.save_npz('time.npz', trigger)
            saved = {}
            impl.serializers.DictionarySerializer(saved).save(trigger)
            trigger = impl.training.triggers.TimeTrigger(period)
            impl.serializers.load_npz('time.npz', trigger)
            fired.append(('resumed', sorted(saved), plain(trigger._next_time)))
        fired.append(trigger(types.SimpleNamespace(elapsed_time=elapsed)))
    return fired, plain(trigger._next_time), hasattr(
        trigger, 'get_training_length')


@pytest.mark.parametrize('period, times, save_after', [
    (1.0, [0.5, 1.0, 1.0001, 1.5, 2.5, 2.6, 7.0, 7.0, 7.0, 7.0, 7.1], 5),
    (0.25, [0.1, 0.3, 0.3, 0.9, 0.9, 0.9, 0.9], 3),
    (2, [1, 2, 3, 4, 5, 6], 2),
    (0, [0.0, 0.1, 0.1], 1),
])
def test_time_trigger_fires_and_resumes_like_chainer(period, times,
                                                     save_after):
    same(run_time_trigger, period, times, save_after)


def run_time_trigger_in_trainer(impl):
    trainer = scripted_trainer(impl, [1.0] * 5, (5, 'iteration'))
    log = []
    trainer.extend(lambda t: log.append(t.updater.iteration),
                   trigger=impl.training.triggers.TimeTrigger(0))
    trainer.run()
    return log


def test_time_trigger_of_period_zero_fires_at_every_iteration():
    same(run_time_trigger_in_trainer)


# ---------------------------------------------------------------- Evaluator

def make_scorer(impl, log):
    """Chain(inner=Link(w)) whose call ``(x, t)`` reports ``loss`` (main),
    ``w_sum`` (inner), an unprefixed ``plain`` and a weighted ``weighted``,
    and logs the mode it runs in."""

    class Inner(impl.Link):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.w = impl.Parameter(
                    numpy.array([1.0, -2.0], dtype=numpy.float32))

    class Scorer(impl.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.inner = Inner()

        def __call__(self, x, t):
            loss = impl.functions.sum(self.inner.w * x)
            log.append(('call', plain(x), plain(t), impl.config.train,
                        impl.config.enable_backprop, loss.creator is None))
            impl.report({'loss': loss}, self)
            impl.report({'w_sum': float(self.inner.w.array.sum())},
                        self.inner)
            impl.report({'plain': float(t.sum()),
                         'weighted': (float(t.sum()), len(t))})
            return loss

    return Scorer()


def validation_set(n=5):
    return [(numpy.array([i, 1.0], dtype=numpy.float32), numpy.int32(i % 3))
            for i in range(n)]


def run_evaluator_standalone(impl, batch_size, device, converter):
    log = []
    model = make_scorer(impl, log)
    it = impl.iterators.SerialIterator(validation_set(), batch_size,
                                       repeat=False, shuffle=False)
    train_it = impl.iterators.SerialIterator(validation_set(), 2)
    next(train_it)
    train_state = (train_it.epoch, train_it.current_position,
                   train_it.epoch_detail)
    kwargs = {}
    if device != 'unset':
        kwargs['device'] = device
    if converter == 'old':
        def old_style(batch, device):
            log.append(('converter', device))
            return impl.dataset.concat_examples(batch, device)
        kwargs['converter'] = old_style
    hooks = []
    evaluator = impl.training.extensions.Evaluator(
        it, model, eval_hook=lambda e: hooks.append(e is evaluator), **kwargs)
    params = [(name, plain(p.array)) for name, p in model.namedparams()]

    results = []
    for _ in range(2):   # the second pass sees the same (reset) iterator
        reporter = impl.Reporter()
        observation = {}
        with reporter.scope(observation):
            results.append((plain(evaluator()), plain(observation)))
    evaluator.name = 'validation'
    reporter = impl.Reporter()
    observation = {}
    with reporter.scope(observation):
        results.append((plain(evaluator(None)), plain(observation)))
    return (results, log, hooks, impl.config.train,
            [(name, plain(p.array)) for name, p in model.namedparams()]
            == params,
            (train_it.epoch, train_it.current_position,
             train_it.epoch_detail) == train_state,
            evaluator.get_iterator('main') is it,
            evaluator.get_target('main') is model,
            sorted(evaluator.get_all_iterators()),
            sorted(evaluator.get_all_targets()),
            evaluator.device is None, evaluator.eval_func)


@pytest.mark.parametrize('batch_size', [1, 2, 5])
@pytest.mark.parametrize('device, converter', [
    ('unset', 'default'), (-1, 'old'), ('@numpy', 'old'), ('unset', 'old'),
    ('@numpy', 'default'),
])
def test_evaluator_reports_means_under_prefixed_names(batch_size, device,
                                                      converter):
    same(run_evaluator_standalone, batch_size, device, converter)


def run_evaluator_attributes(impl):
    ext = impl.training.extensions.Evaluator
    return (ext.default_name, ext.priority, ext.trigger, ext.name,
            ext.priority == impl.training.PRIORITY_WRITER)


def test_evaluator_class_attributes():
    same(run_evaluator_attributes)


def run_evaluator_in_trainer(impl, trigger):
    log = []
    model = make_scorer(impl, log)
    train_it = impl.iterators.SerialIterator(validation_set(4), 2,
                                             shuffle=False)
    valid_it = impl.iterators.SerialIterator(validation_set(3), 2,
                                             repeat=False, shuffle=False)
    updater = impl.training.updaters.StandardUpdater(
        train_it, StubOptimizer(model))
    trainer = impl.training.Trainer(updater, (6, 'iteration'))
    evaluator = impl.training.extensions.Evaluator(valid_it, model)
    if trigger is None:
        trainer.extend(evaluator)
    else:
        trainer.extend(evaluator, trigger=trigger)
    seen = []
    trainer.extend(lambda t: seen.append((t.updater.iteration,
                                          plain(t.observation))))
    trainer.run()
    return evaluator.name, seen, log


@pytest.mark.parametrize('trigger', [None, (1, 'iteration'), (3, 'iteration')])
def test_evaluator_reports_reach_readers_in_the_same_iteration(trigger):
    same(run_evaluator_in_trainer, trigger)


class NoResetIterator:
    """Yields two batches then stops; no ``reset`` (so it is copied)."""

    def __init__(self, log):
        self.log = log
        self.position = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.position >= 2:
            raise StopIteration
        self.position += 1
        return [(numpy.array([self.position, 0.0], dtype=numpy.float32),
                 numpy.int32(self.position))]

    def finalize(self):
        self.log.append('finalize no-reset')


def make_no_reset(impl, log):
    """A ``dataset.Iterator`` subclass (so Evaluator wraps it) without
    ``reset``."""
    cls = type('NoReset', (NoResetIterator, impl.dataset.Iterator), {})
    return cls(log)


class FinalizeLog:
    """Stands in for an iterator's ``finalize``, logging the call."""

    def __init__(self, log, label):
        self.log, self.label = log, label

    def __call__(self):
        self.log.append(('finalize', self.label))


def run_evaluator_iterators(impl):
    log = []
    model = make_scorer(impl, log)
    other = make_scorer(impl, log)
    no_reset = make_no_reset(impl, log)
    main, w1 = caught_warnings(lambda: impl.training.extensions.Evaluator(
        no_reset, model))
    evaluator = main[1]
    results = []
    for _ in range(2):
        reporter = impl.Reporter()
        observation = {}
        with reporter.scope(observation):
            results.append(caught_warnings(evaluator))
    results = [(plain(r[0]), [w[0] for w in r[1]]) for r in results]

    repeating = impl.iterators.SerialIterator(validation_set(2), 1)
    finite = impl.iterators.SerialIterator(validation_set(2), 1,
                                           repeat=False)
    finite.finalize = FinalizeLog(log, 'finite')
    repeating.finalize = FinalizeLog(log, 'repeating')
    made, w2 = caught_warnings(lambda: impl.training.extensions.Evaluator(
        {'main': finite, 'extra': repeating}, {'main': model, 'b': other},
        eval_func=lambda x, t: impl.report({'n': float(len(t))})))
    evaluator = made[1]
    evaluator.name = 'val'
    reporter = impl.Reporter()
    observation = {}
    with reporter.scope(observation):
        result = evaluator()
    evaluator.finalize()
    # Chainer's repeat warning text is truncated by a bug; compare only the
    # category and that one is given.
    return (results, w1, [w[0] for w in w2], plain(result),
            plain(observation), log[-2:], no_reset.position,
            outcome(impl.training.extensions.Evaluator, finite, model,
                    progressbar=True, message=False))


def test_evaluator_copies_an_iterator_without_reset_and_finalizes_all():
    same(run_evaluator_iterators)


def run_evaluator_progress_bar(impl):
    model = make_scorer(impl, [])
    it = impl.iterators.SerialIterator(validation_set(5), 2, repeat=False,
                                       shuffle=False)
    evaluator = impl.training.extensions.Evaluator(it, model,
                                                   progress_bar=True)
    out = io.StringIO()
    reporter = impl.Reporter()
    with reporter.scope({}), contextlib.redirect_stdout(out):
        evaluator()
    # Speeds and times left depend on the clock.
    return [line if 'iters/sec' not in line else 'speed'
            for line in out.getvalue().split('\n')]


def test_evaluator_progress_bar_prints_chainers_lines():
    same(run_evaluator_progress_bar)


def run_configuration(impl):
    """``using_config`` nests, restores, and is local to its thread."""
    trace = [(impl.config.train, impl.config.enable_backprop)]
    seen_by_thread = []
    with impl.using_config('train', False):
        with impl.no_backprop_mode():
            thread = threading.Thread(target=lambda: seen_by_thread.append(
                (impl.config.train, impl.config.enable_backprop)))
            thread.start()
            thread.join()
            trace.append((impl.config.train, impl.config.enable_backprop))
            with impl.force_backprop_mode(), \
                    impl.using_config('train', True):
                trace.append((impl.config.train,
                              impl.config.enable_backprop))
            trace.append((impl.config.train, impl.config.enable_backprop))
        with impl.using_config('train', 'x'):
            trace.append(impl.config.train)
        trace.append(impl.config.train)
    trace.append((impl.config.train, impl.config.enable_backprop))
    trace.append(outcome(lambda: impl.config.no_such_entry)[0])
    return trace, seen_by_thread


def test_configuration_contexts():
    same(run_configuration)
