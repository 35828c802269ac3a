"""Differential tests: the reference observation extensions against live
Chainer 7.8.1 (LogReport, PrintReport, ProgressBar, observe_value/observe_lr,
FailOnNonNumber, ParameterStatistics, MicroAverage, PlotReport,
VariableStatisticsPlot, and the reporter's Summary/DictSummary).

Each runner builds the same small training through an implementation
namespace and returns a plain trace; ``same`` runs it on both and asserts the
traces are equal.  Times (``elapsed_time``, the progress bar's speed and
estimate) are masked; nothing else is written by hand.  Where the reference
follows Chainer's documentation against its code, the test compares the
reference with Chainer driven the documented way and pins Chainer's code.
"""
import contextlib
import inspect
import io
import itertools
import json
import os
import re
import warnings

import numpy
import pytest

from conformance.chainer_compat import import_chainer
from tests.reference.both import IMPLEMENTATIONS, outcome, same

chainer = import_chainer()
import chainer.serializers  # noqa: E402
import chainer.training.extensions  # noqa: E402

import reference  # noqa: E402
import reference.training.extensions  # noqa: E402

MASK = '<time>'
_RUNS = itertools.count()


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def plain(value):
    """NumPy values as (dtype, value) so that types are compared too."""
    if isinstance(value, (numpy.ndarray, numpy.generic)):
        array = numpy.asarray(value)
        return str(array.dtype), plain(array.tolist())
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    if isinstance(value, float) and value != value:
        return 'nan'
    return value


def masked_log(log):
    """The log with each ``elapsed_time`` value replaced by its type name."""
    return [{k: (type(v).__name__ if k == 'elapsed_time' else v)
             for k, v in entry.items()} for entry in log]


def masked_text(text):
    text = re.sub(r'"elapsed_time": [0-9.e+-]+', '"elapsed_time": ' + MASK,
                  text)
    return re.sub(r' *(inf|[0-9.e+-]+) iters/sec\. Estimated time to '
                  r'finish: [^\n]*\.', MASK, text)


def files(out):
    """Every file under ``out`` with its text (JSON logs with times masked);
    binary snapshots by name only."""
    found = {}
    for name in sorted(os.listdir(out)):
        path = os.path.join(out, name)
        if os.path.isdir(path):
            found[name] = files(path)
        elif name.startswith('snapshot') or name.endswith('.png'):
            found[name] = 'binary'
        else:
            with open(path) as f:
                found[name] = masked_text(f.read())
    return found


# -- the scenario ------------------------------------------------------------

def make_data(n=10):
    rng = numpy.random.RandomState(0)
    return [(rng.randn(3).astype(numpy.float32),
             rng.randn(2).astype(numpy.float32)) for _ in range(n)]


def make_model(impl, weight=0.5):
    """Linear(3, 2) under MSE; reports a Variable loss, NumPy and Python
    scalars, a pair weighted ``len(x) * weight``, a non-scalar array
    (ignored by summaries) and MicroAverage's counts."""
    class Model(impl.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l1 = impl.links.Linear(3, 2, initialW=numpy.arange(
                    6, dtype=numpy.float32).reshape(2, 3) / 10)

        def __call__(self, x, t):
            y = self.l1(x)
            loss = impl.functions.mean_squared_error(y, t)
            correct = int((y.array * t > 0).sum())
            impl.report({
                'loss': loss,
                'accuracy': numpy.float32(correct) / t.size,
                'count': len(x),
                'weighted': (numpy.float64(loss.array), len(x) * weight),
                'vector': y.array.ravel(),
                'correct': correct,
                'total': t.size,
            }, self)
            return loss

    return Model()


def build(impl, out=None, stop=(8, 'iteration'), batch_size=4, lr=0.1,
          extensions=(), data=None, weight=0.5):
    """A trainer of ``make_model`` with SGD; ``extensions`` is a list of
    ``(factory(impl, optimizer), extend_kwargs)``."""
    model = make_model(impl, weight)
    optimizer = impl.optimizers.SGD(lr=lr)
    optimizer.setup(model)
    iterator = impl.iterators.SerialIterator(
        make_data() if data is None else data, batch_size, shuffle=False)
    updater = impl.training.updaters.StandardUpdater(iterator, optimizer)
    if out is None:  # one directory per trainer
        out = f'{impl.__name__}_{next(_RUNS)}'
    trainer = impl.training.Trainer(updater, stop, out=out)
    made = []
    for factory, kwargs in extensions:
        extension = factory(impl, optimizer)
        made.append(extension)
        trainer.extend(extension, **kwargs)
    return trainer, model, made


def ext(name, *args, **kwargs):
    """A factory for ``impl.training.extensions.<name>(*args, **kwargs)``."""
    def factory(impl, optimizer):
        return getattr(impl.training.extensions, name)(*args, **kwargs)
    return factory


def recorder(keys_like, trace):
    """A reader (lowest priority) recording the observation entries whose key
    contains one of ``keys_like``, per iteration."""
    def factory(impl, optimizer):
        def record(trainer):
            trace.append((trainer.updater.iteration, plain({
                k: v for k, v in trainer.observation.items()
                if any(part in k for part in keys_like)})))
        return record
    return factory


# -- reporter: Summary and DictSummary ----------------------------------------

def test_dict_summary_weights_statistics_and_serialize():
    def run(impl):
        summary = impl.reporter.DictSummary()
        trace = []
        summary.add({'a': numpy.float32(1.5), 'b': 2, 'v': numpy.ones(3),
                     'w': (numpy.float64(3.0), 2)})
        summary.add({'a': impl.Variable(numpy.array(2.5, numpy.float32)),
                     'w': (1.0, impl.Variable(numpy.array(0.5))),
                     'b': numpy.array(4.0)})
        trace.append(outcome(summary.add, {'x': (1.0, numpy.ones(2))}))
        trace.append(plain(summary.compute_mean()))
        trace.append(plain(summary.make_statistics()))
        saved = {}
        summary.serialize(impl.serializers.DictionarySerializer(saved))
        trace.append(sorted((k, plain(v)) for k, v in saved.items()))
        numpy.savez('summary.npz', **saved)
        # A fresh Summary's _n is the int 0: a float sum of weights fails to
        # load into it ('w'), an int one loads ('a', 'b').
        loaded = impl.reporter.DictSummary()
        with numpy.load('summary.npz') as npz:
            trace.append(outcome(loaded.serialize,
                                 impl.serializers.NpzDeserializer(npz),
                                 message=False))
        trace.append(plain(outcome(loaded.make_statistics)))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            with numpy.load('summary.npz') as npz:
                loaded.serialize(impl.serializers.NpzDeserializer(
                    npz, path='missing/'))
        trace.append([str(w.message) for w in caught])
        single = impl.reporter.Summary()
        single.add(numpy.float32(2.0), weight=3)
        single.add(numpy.float32(4.0))
        trace.append(plain([single.compute_mean(), single.make_statistics()]))
        return trace

    same(run)


# -- LogReport ---------------------------------------------------------------

LOG_REPORTS = {
    'defaults': ((), {}),
    'iterations': ((), {'trigger': (3, 'iteration')}),
    'keys': ((['main/loss', 'main/weighted', 'main/vector', 'absent'],),
             {'trigger': (2, 'iteration')}),
    'template': ((), {'trigger': (4, 'iteration'),
                      'filename': 'log_{iteration}_{epoch}'}),
    'log_name': ((), {'log_name': 'old_name'}),
    'log_name_none': ((), {'log_name': None}),
    'postprocess': ((), {'trigger': (3, 'iteration'), 'postprocess':
                         lambda entry: entry.update(
                             extra=entry.pop('main/count', None))}),
}


@pytest.mark.parametrize('case', sorted(LOG_REPORTS))
def test_log_report_log_and_file(case):
    args, kwargs = LOG_REPORTS[case]

    def run(impl):
        written = []  # the output directory after each iteration
        trainer, _, (log_report, _) = build(
            impl, stop=(10, 'iteration'), extensions=[
                (ext('LogReport', *args, **kwargs), {}),
                (lambda impl, opt: lambda trainer: written.append(
                    files(trainer.out)), {'priority': 0})])
        trainer.run()
        return masked_log(log_report.log), written

    same(run)


def test_log_report_filename_is_formatted_with_the_entry():
    """The template gets the entry's keys, not the trainer."""
    def run(impl):
        trainer, _, _ = build(impl, extensions=[(ext(
            'LogReport', filename='log_{.updater.iteration}'), {})])
        return outcome(trainer.run, show_loop_exception_msg=False), \
            files(trainer.out)

    same(run)


def test_log_report_before_training_and_with_other_extensions():
    """A call before training emits an entry without consulting the trigger;
    writers (observe_lr) and editors (MicroAverage) reach it."""
    def run(impl):
        trainer, _, made = build(impl, stop=(2, 'epoch'), extensions=[
            (ext('LogReport', trigger=(1, 'epoch')),
             {'call_before_training': True}),
            (ext('observe_lr'), {'trigger': (1, 'iteration')}),
            (ext('MicroAverage', 'main/correct', 'main/total',
                 'main/micro'), {}),
            (ext('ExponentialShift', 'lr', 0.5), {}),
        ])
        trainer.run()
        return masked_log(made[0].log), files(trainer.out)

    same(run)


def test_log_report_rejects_unknown_keywords():
    same(lambda impl: outcome(impl.training.extensions.LogReport, foo=1))


def test_log_report_filename_none_writes_no_file():
    """Documented: "If the log name is None, it does not output the log to
    any file"; Chainer's code writes 'log' for filename=None (its default is
    None), so Chainer is driven with log_name=None, which it honours."""
    def run(impl, **kwargs):
        trainer, _, (log_report,) = build(
            impl, extensions=[(ext('LogReport', **kwargs), {})])
        trainer.run()
        return masked_log(log_report.log), files(trainer.out)

    assert run(reference, filename=None) == run(chainer, log_name=None)
    # Chainer's code (the documented divergence).
    assert 'log' in run(chainer, filename=None)[1]


# -- PrintReport and ProgressBar ---------------------------------------------

ENTRIES = ['epoch', 'iteration', 'main/loss', 'absent',
           'main/a_rather_long_name', 'main/accuracy']


@pytest.mark.parametrize('owned', [False, True])
def test_print_report_table(owned):
    def run(impl):
        out = io.StringIO()
        extensions = [(ext('LogReport', trigger=(3, 'iteration')), {})]
        if owned:
            extensions = [(lambda impl, opt: impl.training.extensions
                           .PrintReport(ENTRIES, out=out, log_report=impl
                                        .training.extensions.LogReport(
                                            trigger=(3, 'iteration'),
                                            filename='owned')), {})]
        else:
            extensions.append((ext('PrintReport', ENTRIES, out=out), {}))
        trainer, _, _ = build(impl, stop=(10, 'iteration'),
                              extensions=extensions)
        trainer.run()
        return out.getvalue(), files(trainer.out)

    same(run)


def test_print_report_wrong_log_report():
    def run(impl):
        out = io.StringIO()
        trainer, _, _ = build(impl, extensions=[(ext(
            'PrintReport', ['epoch'], log_report=3, out=out), {})])
        result = outcome(trainer.run, show_loop_exception_msg=False)
        missing = build(impl, extensions=[(ext(
            'PrintReport', ['epoch'], out=io.StringIO()), {})])[0]
        return result, out.getvalue(), outcome(
            missing.run, show_loop_exception_msg=False)

    same(run)


def run_progress_bar(impl, stop, pbar_kwargs=(), before_training=False,
                     chainer_private=None):
    """ProgressBar output.  Chainer's bar writes to the sys.stdout of its
    construction whatever ``out`` says, so it is built under
    ``redirect_stdout``; the reference gets ``out=``."""
    out = io.StringIO()
    kwargs = dict(pbar_kwargs)
    if impl is reference:
        kwargs['out'] = out

    def factory(impl, optimizer):
        with contextlib.redirect_stdout(out):
            bar = impl.training.extensions.ProgressBar(**kwargs)
        for name, value in (chainer_private or {}).items():
            setattr(bar._pbar, name, value)
        return bar

    trainer, _, _ = build(impl, stop=stop, extensions=[
        (factory, {'call_before_training': before_training})])
    trainer.run()
    return masked_text(out.getvalue())


@pytest.mark.parametrize('stop, kwargs, before', [
    ((10, 'iteration'), {'update_interval': 3}, False),
    ((3, 'epoch'), {'update_interval': 2}, True),
    ((3, 'epoch'), {}, False),
])
def test_progress_bar_output(stop, kwargs, before):
    same(run_progress_bar, stop, kwargs, before)


def test_progress_bar_honours_documented_arguments():
    """Documented: ``training_length``, ``bar_length`` and ``out``; Chainer's
    code never hands them to its bar helper.  The reference equals Chainer's
    bar given the same values through its private helper."""
    documented = {'training_length': (5, 'epoch'), 'bar_length': 20,
                  'update_interval': 2}
    expected = run_progress_bar(
        chainer, (10, 'iteration'), {'update_interval': 2},
        chainer_private={'training_length': (5, 'epoch'),
                         '_bar_length': 20})
    assert run_progress_bar(reference, (10, 'iteration'),
                            documented) == expected
    # Chainer's code (the documented divergence): out= is ignored.
    out = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()):
        trainer, _, _ = build(chainer, extensions=[(
            ext('ProgressBar', out=out, update_interval=1), {})])
        trainer.run()
    assert out.getvalue() == ''


# -- observe_value / observe_lr ----------------------------------------------

def test_observers_attributes_and_values():
    def run(impl):
        extensions = impl.training.extensions
        made = [extensions.observe_lr(),
                extensions.observe_lr('main', 'learning_rate'),
                extensions.observe_value('it', lambda t: t.updater.iteration)]
        trace = [(m.__name__, m.default_name, m.trigger, m.priority)
                 for m in made]
        trace_values = []
        trainer, _, _ = build(impl, stop=(2, 'epoch'), extensions=[
            (lambda impl, opt, m=m: m, {}) for m in made] + [
            (ext('ExponentialShift', 'lr', 0.5), {}),
            (recorder(['lr', 'learning_rate', 'it'], trace_values),
             {'priority': 0})])
        trainer.run()
        trace.append(sorted(trainer._extensions))
        return trace, trace_values, outcome(
            extensions.observe_lr('absent'), trainer)

    same(run)


# -- FailOnNonNumber ---------------------------------------------------------

@pytest.mark.parametrize('value', [numpy.nan, numpy.inf, None])
def test_fail_on_non_number(value):
    def run(impl):
        trace = []

        def poison(trainer):
            if value is not None and trainer.updater.iteration == 3:
                trainer.updater.get_optimizer('main').target.l1.b.array[1] \
                    = value
            trace.append(trainer.updater.iteration)

        trainer, _, _ = build(impl, extensions=[
            (lambda impl, opt: poison, {'priority': 1000}),
            (ext('FailOnNonNumber'), {})])
        return outcome(trainer.run, show_loop_exception_msg=False), trace

    same(run)


# -- ParameterStatistics -----------------------------------------------------

def model_links(impl, optimizer):
    return optimizer.target


PARAMETER_STATISTICS = {
    'default': (model_links, {}),
    'named_links': (lambda impl, opt: [opt.target.l1, opt.target],
                    {'prefix': 'stats', 'trigger': (3, 'iteration')}),
    'params_only': (model_links, {'report_grads': False,
                                  'trigger': (1, 'iteration')}),
    'grads_custom': (model_links, {
        'report_params': False, 'trigger': (2, 'iteration'),
        'statistics': {'norm': lambda x: numpy.sqrt((x * x).sum()),
                       'pair': lambda x: numpy.array([x[0], x[-1]]),
                       'single': lambda x: x[:1]}}),
    'no_statistics': (model_links, {'statistics': None}),
    'skip_nan': (model_links, {'skip_nan_params': True,
                               'trigger': (2, 'iteration')}),
    'nan_not_skipped': (model_links, {'trigger': (2, 'iteration')}),
}


@pytest.mark.parametrize('case', sorted(PARAMETER_STATISTICS))
def test_parameter_statistics(case):
    links, kwargs = PARAMETER_STATISTICS[case]

    def run(impl):
        trace = []

        def factory(impl, optimizer):
            stats = impl.training.extensions.ParameterStatistics(
                links(impl, optimizer), **kwargs)
            stats.register_statistics('first', lambda x: x[0])
            return stats

        def poison(trainer):
            if 'nan' in case and trainer.updater.iteration == 5:
                trainer.updater.get_optimizer('main').target.l1.W.array[
                    0, 0] = numpy.nan

        trainer, _, (_, stats, _) = build(impl, extensions=[
            (lambda impl, opt: poison, {'priority': 1000}),
            (factory, {}),
            (recorder(['/data/', '/grad/'], trace), {'priority': 0})])
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', RuntimeWarning)
            trainer.run()
        return (stats.default_name, stats.priority, stats.trigger,
                stats.report_key_template, sorted(stats.default_statistics),
                trace)

    same(run)


def test_parameter_statistics_iterable_of_links():
    """Documented: "Link or iterable of Link"; Chainer's code takes only a
    list or tuple, so the reference given a generator equals Chainer given
    the list."""
    def run(impl, as_generator):
        trace = []

        def factory(impl, optimizer):
            links = [optimizer.target.l1]
            return impl.training.extensions.ParameterStatistics(
                (link for link in links) if as_generator else links)

        trainer, _, _ = build(impl, extensions=[
            (factory, {}), (recorder(['/data/'], trace), {'priority': 0})])
        return outcome(trainer.run, show_loop_exception_msg=False), trace

    assert run(reference, True) == run(chainer, False)
    assert run(chainer, True)[0][0] == 'AttributeError'


# -- MicroAverage and resuming -----------------------------------------------

def test_micro_average_values():
    def run(impl):
        trace = []
        trainer, _, (micro, _) = build(impl, stop=(10, 'iteration'),
                                       extensions=[
            (ext('MicroAverage', 'main/correct', 'main/total',
                 'main/micro', trigger=(3, 'iteration')), {}),
            (recorder(['micro'], trace), {'priority': 0})])
        trainer.run()
        skipped = impl.training.extensions.MicroAverage('a', 'b', 'c')
        return (micro.priority, micro.trigger, micro.default_name, trace,
                outcome(skipped, trainer))

    same(run)


def resumable(impl, out, print_out, weight):
    """LogReport (3 its), an owned LogReport under PrintReport, MicroAverage
    (3 its), observe_lr and a snapshot at iteration 5."""
    return build(impl, out=out, stop=(10, 'iteration'), weight=weight,
                 extensions=[
        (ext('LogReport', trigger=(3, 'iteration')), {}),
        (lambda impl, opt: impl.training.extensions.PrintReport(
            ['iteration', 'main/loss', 'lr', 'main/micro'], out=print_out,
            log_report=impl.training.extensions.LogReport(
                trigger=(2, 'iteration'), filename=None)), {}),
        (ext('MicroAverage', 'main/correct', 'main/total', 'main/micro',
             trigger=(3, 'iteration')), {}),
        (ext('observe_lr'), {'trigger': (1, 'iteration')}),
        (ext('ExponentialShift', 'lr', 0.9), {}),
        (ext('snapshot'), {'trigger': (5, 'iteration')}),
    ])


def snapshot_content(path):
    """The saved arrays; JSON logs parsed with their times masked."""
    content = {}
    with numpy.load(path) as npz:
        for key in sorted(npz.files):
            value = npz[key]
            if key.endswith('_log'):
                value = masked_log(json.loads(value.item()))
            elif key.endswith('_snapshot_elapsed_time'):
                value = MASK
            else:
                value = plain(value)
            content[key] = value
    return content


@pytest.mark.parametrize('weight', [1, 0.5])
def test_resume_from_snapshots(tmp_path, weight):
    """Each implementation writes the same snapshot content; both resume the
    same from Chainer's snapshot and from the reference's.  With float
    weights the saved sum of weights is a float that a fresh Summary's int
    ``_n`` refuses: resuming fails in both."""
    def run_full(impl):
        out = io.StringIO()
        trainer, _, made = resumable(impl, str(tmp_path / impl.__name__), out,
                                     weight)
        trainer.run()
        return (snapshot_content(tmp_path / impl.__name__ / 'snapshot_iter_5'),
                masked_log(made[0].log), masked_text(out.getvalue()))

    same(run_full)

    for writer in IMPLEMENTATIONS:
        snapshot = tmp_path / writer / 'snapshot_iter_5'

        def run_resumed(impl):
            out = io.StringIO()
            trainer, _, made = resumable(
                impl, str(tmp_path / ('resumed_' + impl.__name__)), out,
                weight)
            loaded = outcome(impl.serializers.load_npz, str(snapshot),
                             trainer, message=False)
            if loaded[0] == 'ok':
                trainer.run()
            return loaded, masked_log(made[0].log), masked_text(
                out.getvalue())

        same(run_resumed)


# -- PlotReport and VariableStatisticsPlot -----------------------------------

def test_plot_extensions_construction_and_availability():
    """``available()``, the warning without matplotlib, keyword checks and
    constructor errors, identical in both."""
    def run(impl):
        extensions = impl.training.extensions
        trace = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            trace.append(extensions.PlotReport.available())
            trace.append(extensions.VariableStatisticsPlot.available())
            plot = extensions.PlotReport(['main/loss'], file_name='p.png')
            trace.append((plot.trigger, plot.priority, plot.default_name,
                          plot._file_name))
            trace.append(outcome(extensions.PlotReport, 'a', bad=1))
            model = make_model(impl)
            trace.append(outcome(extensions.VariableStatisticsPlot, []))
            trace.append(outcome(extensions.VariableStatisticsPlot, model,
                                 plot_mean=False, plot_std=False,
                                 percentile_sigmas=()))
            trace.append(outcome(extensions.VariableStatisticsPlot, model,
                                 nope=2))
            vsp = extensions.VariableStatisticsPlot(
                [model.l1.W, model], percentile_sigmas=50,
                filename='s.png')
            trace.append((len(vsp._vars), vsp._data_shape, vsp._filename))
        trace.append([str(w.message) for w in caught])
        return trace

    same(run)


PLOT_REPORTS = {
    'epoch': ((['main/loss', 'main/accuracy', 'absent'], 'epoch'),
              {'filename': 'loss.png'}),
    'iteration': (('main/loss',), {'trigger': (3, 'iteration'),
                                   'marker': None, 'grid': False}),
    'file_name': ((['main/weighted'],), {'file_name': 'w.png'}),
}


@pytest.mark.parametrize('case', sorted(PLOT_REPORTS))
def test_plot_report_trains_with_or_without_matplotlib(case):
    """The plotted points, their serialization and the files written (by
    name); without matplotlib, nothing at all (with a warning per call)."""
    args, kwargs = PLOT_REPORTS[case]

    def run(impl):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            trainer, _, (plot, vsp) = build(
                impl, stop=(3, 'epoch'), extensions=[
                    (ext('PlotReport', *args, **kwargs),
                     {'call_before_training': True}),
                    (lambda impl, opt: impl.training.extensions
                     .VariableStatisticsPlot(opt.target, max_sample_size=4,
                                             trigger=(3, 'epoch')), {})])
            numpy.random.seed(0)
            trainer.run()
        saved = {}
        plot.serialize(impl.serializers.DictionarySerializer(saved))
        numpy.savez('plot.npz', **saved)
        loaded = impl.training.extensions.PlotReport(*args, **kwargs)
        with numpy.load('plot.npz') as npz:
            loaded.serialize(impl.serializers.NpzDeserializer(npz))
        loaded_data = loaded._data
        return (plain(plot._data), plain(saved), plain(loaded_data),
                plain(vsp._samples.get_data()), files(trainer.out),
                sorted({str(w.message) for w in caught}))

    same(run)


def test_plot_report_postprocess_gets_the_plot_data():
    """Documented: postprocess receives the figure, the axes and "all plot
    data"; Chainer's code passes the interval's DictSummary instead."""
    pytest.importorskip('matplotlib')

    def run(impl):
        calls = []

        def postprocess(figure, axes, data):
            calls.append((type(figure).__name__, type(axes).__name__,
                          plain(data) if isinstance(data, dict)
                          else type(data).__name__))

        trainer, _, (plot,) = build(impl, stop=(2, 'epoch'), extensions=[
            (ext('PlotReport', ['main/loss'], postprocess=postprocess), {})])
        trainer.run()
        return calls, plain(plot._data)

    (ours, our_data), (theirs, their_data) = run(reference), run(chainer)
    assert our_data == their_data
    assert [call[:2] for call in ours] == [call[:2] for call in theirs]
    # The points plotted so far, at each redraw.
    assert [call[2] for call in ours] == [
        {key: points[:i + 1] for key, points in our_data.items()}
        for i in range(len(ours))]
    assert {call[2] for call in theirs} == {'DictSummary'}


def test_plot_report_documented_divergences_without_matplotlib_concerns():
    """Documented: y_keys=None plots nothing, and filename may be a format
    string.  Chainer's code fails on None in __init__ and uses the name
    verbatim."""
    def run(impl, y_keys, filename):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            made = outcome(impl.training.extensions.PlotReport, y_keys,
                           filename=filename, message=False)
            if made[0] != 'ok':
                return made
            trainer, _, _ = build(impl, stop=(2, 'epoch'), extensions=[
                (lambda impl, opt: made[1], {})])
            trainer.run()
        return 'ok', files(trainer.out)

    assert run(chainer, None, 'plot.png') == ('TypeError', None)
    assert run(reference, None, 'plot.png') == run(chainer, (), 'plot.png')
    pytest.importorskip('matplotlib')
    ours = run(reference, 'main/loss', 'plot_{epoch}.png')
    theirs = run(chainer, 'main/loss', 'plot_{epoch}.png')
    assert 'plot_{epoch}.png' in theirs[1]
    assert {'plot_1.png', 'plot_2.png'} <= set(ours[1])


# -- signatures and scheduling attributes ------------------------------------

# Names whose signatures follow Chainer's documentation (filename='...')
# where Chainer's code says filename=None.
DOCUMENTED_SIGNATURES = {'LogReport', 'PlotReport', 'VariableStatisticsPlot'}
NAMES = ['FailOnNonNumber', 'LogReport', 'MicroAverage', 'ParameterStatistics',
         'PlotReport', 'PrintReport', 'ProgressBar', 'VariableStatisticsPlot',
         'observe_lr', 'observe_value']


@pytest.mark.parametrize('name', NAMES)
def test_signatures(name):
    def signature(impl):
        target = getattr(impl.training.extensions, name)
        parameters = [
            (p.name, p.kind, 'stream' if hasattr(p.default, 'write')
             else p.default)
            for p in inspect.signature(target).parameters.values()]
        if inspect.isclass(target):
            attributes = {a: getattr(target, a, None)
                          for a in ('trigger', 'priority', 'default_name')}
            attributes['default_name'] = (
                attributes['default_name'] if isinstance(
                    attributes['default_name'], str) else 'property')
        else:
            attributes = None
        return parameters, attributes

    if name not in DOCUMENTED_SIGNATURES:
        same(signature)
        return
    ours, theirs = signature(reference), signature(chainer)
    assert ours[1] == theirs[1]
    documented = dict(re.findall(
        r"(\w+)=('[^']*')", getattr(chainer.training.extensions,
                                    name).__doc__.split('\n\n')[0]))
    assert 'filename' in documented
    assert [(p, k) for p, k, _ in ours[0]] == [(p, k) for p, k, _ in theirs[0]]
    assert [d for p, _, d in ours[0] if p != 'filename'] == \
        [d for p, _, d in theirs[0] if p != 'filename']
    for parameter, _, default in ours[0]:
        if parameter in documented:
            assert repr(default) == documented[parameter]
