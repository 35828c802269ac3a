"""Runners of the observation families: a trainer whose updates report a
chosen stream, with ``LogReport``, ``PrintReport``, value observers,
best-value and early-stopping triggers, ``Evaluator`` and snapshots, built
through ``ns``.  Each returns a plain trace (lists, dicts, numbers, text)."""
import contextlib
import io
import json
import os
import re
import tempfile
import warnings

import numpy

from conformance import harness
from conformance.models import observation as model
from conformance.runners.optim import Built
from conformance.runners.training import read_npz

WRITER, EDITOR, READER = 300, 200, 100


def fresh_dir(out):
    """A new empty directory under ``out`` (files must not leak between examples)."""
    return tempfile.mkdtemp(dir=out)


def reporting_trainer(ns, out, n, batch_size, reports_for, stop):
    """A trainer whose update ``i + 1`` reports ``reports_for(i)``, a list
    of ``(key, value, with_observer)``, the observer being the model that the
    trainer registers as ``main``."""
    model = ns.Chain()
    holder = {}

    def loss(*args):
        for key, value, observed in reports_for(holder['trainer'].updater.iteration):
            if observed:
                ns.report({key: value}, model)
            else:
                ns.report({key: value})
        return ns.Variable(numpy.zeros((), dtype=numpy.float32))

    trainer = harness.make_trainer(ns, out, n=n, batch_size=batch_size, stop=stop,
                                   model=model, loss_func=loss)
    holder['trainer'] = trainer
    return trainer


def stream_trainer(ns, out, scenario, stop=None):
    reports = scenario.reports
    return reporting_trainer(
        ns, out, scenario.n, scenario.batch_size,
        lambda i: reports[i] if i < len(reports) else (),
        stop or (scenario.iterations, 'iteration'))


def value_trainer(ns, out, scenario, stop):
    values, key = scenario.values, scenario.monitor
    return reporting_trainer(
        ns, out, scenario.n, scenario.batch_size,
        lambda i: [(key, values[i], True)] if i < len(values) and values[i] is not None
        else [], stop)


def read_json(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding='utf-8') as f:
        return json.load(f)


# --- LogReport -----------------------------------------------------------------------

def run_log_report(ns, out, scenario, log_name_none=False, postprocess=None):
    """``(log, {file: content after each update}, files left)``: the file
    named by the scenario's template (formatted with the last entry, if any)
    is read after each update by a later reader; the content is ``(parsed
    JSON, text)`` when the file exists.  ``postprocess`` goes to
    ``LogReport`` when given."""
    out = fresh_dir(out)
    trainer = stream_trainer(ns, out, scenario)
    kwargs = {'log_name': None} if log_name_none else {'filename': scenario.filename}
    kwargs.update({} if postprocess is None else {'postprocess': postprocess})
    log_report = harness.call_with(
        'training.extensions.LogReport', ns.training.extensions.LogReport,
        keys=None if scenario.keys is None else list(scenario.keys),
        trigger=scenario.trigger, **kwargs)
    trainer.extend(log_report)
    seen = []

    def read_file(trainer):
        log = log_report.log
        name = scenario.filename.format(**log[-1]) if log else scenario.filename
        path = os.path.join(out, name)
        if not os.path.exists(path):
            seen.append((name, None))
            return
        with open(path, encoding='utf-8') as f:
            text = f.read()
        seen.append((name, (json.loads(text), text)))

    trainer.extend(read_file, priority=READER - 50)
    trainer.run()
    return [dict(entry) for entry in log_report.log], seen, sorted(os.listdir(out))


@contextlib.contextmanager
def working_directory_holding(out, name, content='not a log'):
    """Run in a fresh working directory that holds a file ``name`` of its
    own; yields a function listing ``(file, content)`` of what the directory
    holds.  The previous working directory is restored."""
    cwd, previous = fresh_dir(out), os.getcwd()
    with open(os.path.join(cwd, name), 'w') as f:
        f.write(content)

    def text(path):
        if not os.path.isfile(path):
            return None
        with open(path, encoding='utf-8') as f:
            return f.read()

    def held():
        return [(file, text(os.path.join(cwd, file))) for file in sorted(os.listdir(cwd))]
    os.chdir(cwd)
    try:
        yield held
    finally:
        os.chdir(previous)


@contextlib.contextmanager
def system_temp_directory_missing(out):
    """While it lasts, ``tempfile``'s default directory is one that does not
    exist (under ``out``): a temporary file made without ``dir=`` fails
    with an ``OSError`` naming it.  Yields that path."""
    missing = os.path.join(fresh_dir(out), 'no-system-temp-directory')
    previous, tempfile.tempdir = tempfile.tempdir, missing
    try:
        yield missing
    finally:
        tempfile.tempdir = previous


class FlushedText(io.StringIO):
    """A text stream that remembers how much had been written at each ``flush``."""

    def __init__(self):
        super().__init__()
        self.flushed = []

    def flush(self):
        self.flushed.append(len(self.getvalue()))
        super().flush()


def run_print_report(ns, out, scenario, entries):
    """``(PrintReport's text, the LogReport's log, the text's length at
    each flush of the stream)``."""
    trainer = stream_trainer(ns, fresh_dir(out), scenario)
    log_report = ns.training.extensions.LogReport(trigger=scenario.trigger, log_name=None)
    trainer.extend(log_report)
    text = FlushedText()
    trainer.extend(ns.training.extensions.PrintReport(list(entries), out=text))
    trainer.run()
    return text.getvalue(), [dict(entry) for entry in log_report.log], text.flushed


def print_report_trainer(ns, out, scenario, entries, stop, owned):
    """A stream trainer with a ``LogReport`` (the scenario's trigger, no
    file) registered under its default name, or owned by the
    ``PrintReport`` when ``owned``; returns ``(trainer, log report, text)``."""
    trainer = stream_trainer(ns, out, scenario, stop=stop)
    extensions, text = ns.training.extensions, io.StringIO()
    log_report = extensions.LogReport(trigger=scenario.trigger, log_name=None)
    if owned:
        trainer.extend(extensions.PrintReport(list(entries), log_report=log_report, out=text))
    else:
        trainer.extend(log_report)
        trainer.extend(extensions.PrintReport(list(entries), out=text))
    return trainer, log_report, text


def run_print_report_resumed(ns, out, scenario, entries, at, owned):
    """``(text of a fresh PrintReport in a trainer resumed from a
    save_npz snapshot taken at iteration at, the uninterrupted run's
    log)``."""
    out = fresh_dir(out)
    stop = (scenario.iterations, 'iteration')
    whole, log_report, _ = print_report_trainer(ns, out, scenario, entries, stop, owned)
    whole.run()
    first, _, _ = print_report_trainer(ns, out, scenario, entries, (at, 'iteration'), owned)
    first.run()
    ns.serializers.save_npz(os.path.join(out, 'snapshot'), first)
    resumed, _, text = print_report_trainer(ns, out, scenario, entries, stop, owned)
    ns.serializers.load_npz(os.path.join(out, 'snapshot'), resumed)
    resumed.run()
    return text.getvalue(), [dict(entry) for entry in log_report.log]


# --- ProgressBar -------------------------------------------------------------------------

SPEED_LINE = re.compile(r'[^\n\033]*iters/sec\. Estimated time to finish: [^\n]*\.\n')


def run_progress_bar(ns, out, scenario, stop, update_interval, documented=None):
    """What a ``ProgressBar`` wrote, each speed line replaced by
    ``model.SPEED``.  Without ``documented`` it is built with its defaults
    but ``update_interval`` and ``out``, and ``sys.stdout`` is that stream
    while it is built (Chainer's bar writes to the standard output of that
    moment); ``documented = (training_length, bar_length)`` passes them
    and ``out`` only."""
    trainer = stream_trainer(ns, fresh_dir(out), scenario, stop=stop)
    text = io.StringIO()
    ProgressBar = ns.training.extensions.ProgressBar
    if documented is None:
        with contextlib.redirect_stdout(text):
            bar = ProgressBar(update_interval=update_interval, out=text)
    else:
        bar = ProgressBar(training_length=documented[0], update_interval=update_interval,
                          bar_length=documented[1], out=text)
    trainer.extend(bar)
    trainer.run()
    return SPEED_LINE.sub(model.SPEED, text.getvalue())


# --- the trainer's observers ------------------------------------------------------------

def trainer_observers(ns, out, trees):
    """Reports made during an update with each link of each optimizer's
    target as observer: ``trees`` maps an optimizer's name to its target's
    link tree (``strategies/optim.py``), and the ``k``-th link of all trees in
    ``Node.link_paths`` order reports ``{'v': k}``.  Then links made after the
    trainer report too: a child added to the ``main`` target (a Chain or a
    ChainList) and a new lone link.  Returns ``(observation, refused)``:
    what the trainer's observation holds after the update, and per report
    that raised ``KeyError``, ``(optimizer name or 'late', path or which
    late link, message)``."""
    built = {name: Built(ns, tree, {}) for name, tree in trees.items()}
    optimizers = {}
    for name, links in built.items():
        optimizers[name] = ns.optimizers.SGD(lr=0.1)
        optimizers[name].setup(links.root)
    updater = ns.training.updaters.StandardUpdater(
        ns.iterators.SerialIterator(harness.dataset(1), 1), optimizers,
        loss_func=harness.zero_loss(ns))
    trainer = ns.training.Trainer(updater, stop_trigger=(1, 'iteration'), out=out)
    root, late = built['main'].root, [('a lone link', ns.Link())]
    if trees['main'].kind == 'Chain':
        with root.init_scope():
            root.late = ns.Link()
        late.append(('a child added to main', root.late))
    elif trees['main'].kind == 'ChainList':
        root.add_link(ns.Link())
        late.append(('a child added to main', root[len(root) - 1]))
    reporters = [(name, path, built[name].links[path])
                 for name, tree in trees.items() for path in tree.link_paths()]
    reporters += [('late', which, link) for which, link in late]
    observation, refused = {}, []

    def report_all(trainer):
        for k, (name, path, link) in enumerate(reporters):
            try:
                ns.report({'v': float(k)}, link)
            except KeyError as error:
                refused.append((name, path, error.args[0] if error.args else None))

    trainer.extend(report_all, priority=WRITER)
    trainer.extend(lambda trainer: observation.update(
        {key: float(value) for key, value in trainer.observation.items()}), priority=READER)
    trainer.run()
    return observation, refused


# --- PlotReport --------------------------------------------------------------------------

PNG = b'\x89PNG\r\n\x1a\n'
DEFAULT = 'default'     # an argument left out


def plain_png_path(fname, kwargs):
    """Whether ``Figure.savefig(fname, **kwargs)`` writes a PNG at
    ``fname`` itself: a path ending in ``.png``, no other format asked."""
    return (isinstance(fname, (str, os.PathLike)) and str(fname).lower().endswith('.png')
            and kwargs.get('format', 'png') == 'png')


#: tiny images without ticks: what is compared is the data, and rendering
#: (tick labels above all) dominates the time
SMALL_FIGURES = {'figure.dpi': 10, 'savefig.dpi': 10, 'xtick.bottom': False,
                 'xtick.labelbottom': False, 'ytick.left': False, 'ytick.labelleft': False}


@contextlib.contextmanager
def saving_figures(record, render=True):
    """While it lasts ``Figure.savefig`` first calls ``record(figure,
    fname)``; then (with ``render``) the first figure is rendered (without
    ticks, which dominate rendering and are never compared) and a later one
    bound for a plain PNG path only gets the PNG signature written there;
    without ``render`` nothing is written.  What the
    properties check stays proven: the data (recorded before), and that the
    implementation asked for a PNG at the expected path at that moment (the
    reader finds the signature there); rendering is matplotlib's, and the
    first figure shows it produces a PNG from what the implementation drew."""
    import matplotlib.figure
    import matplotlib.ticker
    savefig, rendered = matplotlib.figure.Figure.savefig, []

    def recording_savefig(figure, fname, *args, **kwargs):
        record(figure, fname)
        if not render:
            return None
        if rendered and not args and plain_png_path(fname, kwargs):
            with open(fname, 'wb') as f:
                f.write(PNG)
            return None
        rendered.append(fname)
        for axis in (axis for axes in figure.axes for axis in (axes.xaxis, axes.yaxis)):
            axis.set_major_locator(matplotlib.ticker.NullLocator())
            axis.set_minor_locator(matplotlib.ticker.NullLocator())
        return savefig(figure, fname, *args, **kwargs)

    matplotlib.figure.Figure.savefig = recording_savefig
    try:
        yield
    finally:
        matplotlib.figure.Figure.savefig = savefig


def image_taker(path, files):
    """An extension (register it as a late reader) that appends
    ``(iteration, whether it is a PNG)`` to ``files`` when the image file
    ``path`` is there, and takes the file away."""
    def take_file(trainer):
        if os.path.exists(path):
            with open(path, 'rb') as f:
                files.append((trainer.updater.iteration, f.read(len(PNG)) == PNG))
            os.remove(path)
    return take_file


def _grid_shown(axis):
    """Whether ``axis`` draws its major grid lines, without creating ticks
    (``get_gridlines`` makes every tick the locator asks for, most of the
    cost of a figure): the ticks made so far show it, and a tick made later
    takes the first one's look or, with none made, the axis's tick
    settings.  Matplotlib versions without those settings: the public way."""
    made = axis.__dict__.get('majorTicks')
    if made:
        return any(tick.gridline.get_visible() for tick in made)
    settings = getattr(axis, '_major_tick_kw', None)
    if made is None and settings is not None and 'gridOn' in settings:
        return bool(settings['gridOn'])
    return any(line.get_visible() for line in axis.get_gridlines())


def run_plot_report(ns, out, scenario, y_keys, x_key, filename, marker, interrupt_at=None,
                    alias=False):
    """``(figures, files, left)``: per figure about to be saved (seen by
    ``postprocess``), ``(iteration, x label, [(label, xs, ys, marker)],
    whether the figure passed holds the axes passed and is the one then
    saved)``;
    per update where the image file appeared (a later reader takes it
    away), ``(iteration, whether it is a PNG)`` (only the first figure is
    rendered: ``saving_figures``); the files left in ``out``.
    ``x_key`` ``None``, ``filename`` and ``marker`` ``DEFAULT``: left out
    (a ``filename`` of ``None`` is passed as it is); ``alias``: a file name
    is passed as ``file_name``.  With ``interrupt_at`` the run stops there, is saved with ``save_npz``
    (outside ``out``) and loaded into a fresh trainer that goes on; only
    the second run's figures and files are returned."""
    import matplotlib
    matplotlib.use('Agg')
    snapshot = os.path.join(fresh_dir(out), 'snapshot')
    out = fresh_dir(out)
    figures, files, pending = [], [], []
    named = filename not in (DEFAULT, None)
    path = os.path.join(out, filename if named else 'plot.png')
    kwargs = {} if filename == DEFAULT else {
        'file_name' if alias and named else 'filename': filename}
    kwargs.update({} if x_key is None else {'x_key': x_key})
    kwargs.update({} if marker == DEFAULT else {'marker': marker})

    def build(stop):
        trainer = stream_trainer(ns, out, scenario, stop=(stop, 'iteration'))

        def postprocess(figure, axes, _):
            pending.append(figure if axes in getattr(figure, 'axes', ()) else None)
            figures.append([trainer.updater.iteration, axes.get_xlabel(), [
                (line.get_label(), [float(x) for x in line.get_xdata()],
                 [float(y) for y in line.get_ydata()], line.get_marker())
                for line in axes.get_lines()], False])

        # filename= is Chainer 7's (file_name= before): a lack if refused.
        trainer.extend(harness.call_with(
            'training.extensions.PlotReport', ns.training.extensions.PlotReport,
            list(y_keys), trigger=scenario.trigger, postprocess=postprocess, **kwargs))

        trainer.extend(image_taker(path, files), priority=READER - 50)
        return trainer

    def saved(figure, fname):
        if pending and figures:
            figures[-1][3] = pending.pop() is figure

    with matplotlib.rc_context(SMALL_FIGURES), saving_figures(saved):
        trainer = build(scenario.iterations)
        if interrupt_at is not None:
            first = build(interrupt_at)
            first.run()
            ns.serializers.save_npz(snapshot, first)
            del figures[:], files[:], pending[:]
            ns.serializers.load_npz(snapshot, trainer)
        trainer.run()
    return [tuple(figure) for figure in figures], files, sorted(os.listdir(out))


def _spans(collection):
    """``{x: (lowest y, highest y)}`` over a collection's paths: an
    errorbar's bars or a ``fill_between`` band, read as data."""
    spans = {}
    for path in collection.get_paths():
        for x, y in path.vertices:
            low, high = spans.get(float(x), (float(y), float(y)))
            spans[float(x)] = (min(low, float(y)), max(high, float(y)))
    return spans


def run_variable_statistics_plot(ns, out, values, sizes, trigger, filename, alias=False):
    """``(figures, files, left)`` of a ``VariableStatisticsPlot`` (data only,
    default statistics and percentiles) on a chain whose parameters (of
    ``sizes`` elements) update ``i + 1`` sets to ``values[i]`` (their
    concatenation): per figure saved (read at ``savefig`` as data), ``(iteration, file
    name, mean line (xs, ys), errorbar spans, band spans, median line)``; per
    update where the image file appeared (a later reader takes it away),
    ``(iteration, whether it is a PNG)`` (only the first figure is rendered:
    ``saving_figures``); the files left in ``out``."""
    import matplotlib
    matplotlib.use('Agg')
    out = fresh_dir(out)
    model, params = statistics_target(ns, ('link', tuple(sizes)))
    holder = {}

    def loss(*args):
        row = iter(values[holder['trainer'].updater.iteration])
        for param in params:
            param.array[...] = [next(row) for _ in range(param.array.size)]
        return ns.Variable(numpy.zeros((), dtype=numpy.float32))

    trainer = harness.make_trainer(ns, out, n=4, stop=(len(values), 'iteration'),
                                   model=model, loss_func=loss)
    holder['trainer'] = trainer
    kwargs = {} if filename is None else {'file_name' if alias else 'filename': filename}
    trainer.extend(harness.call_with(
        'training.extensions.VariableStatisticsPlot',
        ns.training.extensions.VariableStatisticsPlot,
        model, report_grad=False, trigger=trigger, **kwargs))
    path = os.path.join(out, filename or 'statistics.png')
    figures, files = [], []

    def record(figure, fname):
        means, percentiles = figure.axes
        line, = means.get_lines()
        median, = percentiles.get_lines()
        figures.append((trainer.updater.iteration, os.path.basename(str(fname)),
                        ([float(x) for x in line.get_xdata()],
                         [float(y) for y in line.get_ydata()]),
                        [_spans(c) for c in means.collections],
                        [_spans(c) for c in percentiles.collections],
                        ([float(x) for x in median.get_xdata()],
                         [float(y) for y in median.get_ydata()])))

    trainer.extend(image_taker(path, files), priority=READER - 50)
    with matplotlib.rc_context({**SMALL_FIGURES, 'figure.figsize': (2, 2)}), \
            saving_figures(record):
        trainer.run()
    return figures, files, sorted(os.listdir(out))


def statistics_target(ns, tree):
    """``(target, its variables in order)`` built from a target tree
    (``models.observation.VARIABLE_LEAVES``)."""
    kind, content = tree
    if kind in ('list', 'tuple'):
        built = [statistics_target(ns, child) for child in content]
        target = [t for t, _ in built]
        return (target if kind == 'list' else tuple(target)), [v for _, vs in built for v in vs]
    if kind == 'link':
        link = ns.Chain()
        with link.init_scope():
            for k, size in enumerate(content):
                setattr(link, f'p{k}', ns.Parameter(numpy.zeros(size, dtype=numpy.float32)))
        return link, [getattr(link, f'p{k}') for k in range(len(content))]
    if kind == 'none':
        return None, []
    array = numpy.zeros(content, dtype=numpy.float32)
    if kind == 'array':
        return array, []
    var = ns.Parameter(array) if kind == 'parameter' else ns.Variable(array)
    return var, [var]


def build_variable_statistics_plot(ns, target, **options):
    """``(extension, None)``, or ``(None, message)`` of the ``ValueError``
    with which ``VariableStatisticsPlot(target, **options)`` refused."""
    try:
        return ns.training.extensions.VariableStatisticsPlot(target, **options), None
    except ValueError as error:
        return None, str(error)


def run_variable_statistics_options(ns, out, tree, data, grads, period, options):
    """``(figures, refusal)`` of a ``VariableStatisticsPlot`` over the target
    tree ``tree`` built with ``options`` (keyword arguments) and the trigger
    ``(period, 'iteration')``, its variables holding, after update ``i + 1``,
    the elements ``data[i]`` and the gradients ``grads[i]`` (set by a
    writer extension, as an optimizer's update would leave them): per
    figure about to be saved, ``(iteration, [per axis, in the figure's
    order, a dict of title, xlabel, legend labels, lines [(xs, ys)] and
    spans of its collections, the lines' markers, whether its grid is
    on, whether it is drawn below the data (``axisbelow`` True), whether
    it shares the first axis's x])``; ``refusal`` the message of the
    ``ValueError`` the constructor raised (then nothing ran), or None.  The
    figures are not rendered (the file is another property's)."""
    import matplotlib
    matplotlib.use('Agg')
    target, variables = statistics_target(ns, tree)
    plot, refusal = build_variable_statistics_plot(ns, target, trigger=(period, 'iteration'),
                                                   **options)
    if refusal is not None:
        return [], refusal
    trainer = harness.make_trainer(ns, fresh_dir(out), n=4, stop=(len(data), 'iteration'))

    def set_elements(trainer):
        i = trainer.updater.iteration - 1
        row, grad_row = iter(data[i]), iter(grads[i])
        for var in variables:
            size = var.array.size
            var.array[...] = [next(row) for _ in range(size)]
            var.grad = numpy.array([next(grad_row) for _ in range(size)], dtype=numpy.float32)

    trainer.extend(set_elements, priority=WRITER)
    trainer.extend(plot)
    figures = []

    def points(xs, ys):
        return [float(x) for x in xs], [float(y) for y in ys]

    def record(figure, fname):
        size = (tuple(float(v) for v in figure.get_size_inches()),
                tuple(float(v) for v in matplotlib.rcParams['figure.figsize']))
        figures.append((trainer.updater.iteration, [dict(
            size=size, title=ax.get_title(), xlabel=ax.get_xlabel(),
            legend=[t.get_text() for t in ax.get_legend().get_texts()],
            lines=[points(line.get_xdata(), line.get_ydata()) for line in ax.get_lines()],
            markers=[line.get_marker() for line in ax.get_lines()],
            spans=[_spans(c) for c in ax.collections],
            grid=_grid_shown(ax.xaxis),
            below=ax.get_axisbelow() is True,
            shared=ax is figure.axes[0] or figure.axes[0].get_shared_x_axes().joined(
                figure.axes[0], ax))
            for ax in figure.axes]))

    with saving_figures(record, render=False):
        trainer.run()
    return figures, None


# --- writers seen by readers in the same iteration ------------------------------------

def run_writers_and_readers(ns, out, scenario, lr_every):
    """Writers (a PRIORITY_WRITER extension reporting ``main/written``
    through the model as observer, ``observe_lr``, ``observe_value``) and a
    ``MicroAverage`` editor; readers: an extension recording what it sees,
    ``LogReport`` and a ``MinValueTrigger`` on ``lr``.  Returns ``(seen
    per update, log, MinValueTrigger firings)``."""
    trainer = stream_trainer(ns, fresh_dir(out), scenario)
    model = trainer.updater.get_optimizer('main').target
    extensions = ns.training.extensions

    @ns.training.make_extension(trigger=(1, 'iteration'), priority=WRITER)
    def writer(trainer):
        ns.report({'written': trainer.updater.iteration * 2}, model)
        ns.report({'num': trainer.updater.iteration, 'den': 2})

    optimizer = trainer.updater.get_optimizer('main')

    def set_lr(trainer):
        optimizer.lr = 1.0 / (1 + trainer.updater.iteration % 3)

    trainer.extend(set_lr, priority=WRITER + 10)
    trainer.extend(writer)
    trainer.extend(extensions.observe_lr(), trigger=(lr_every, 'iteration'))
    trainer.extend(extensions.observe_value('twice', lambda tr: tr.updater.iteration * 2.0),
                   trigger=(1, 'iteration'))
    trainer.extend(extensions.MicroAverage('num', 'den', 'ratio', trigger=(2, 'iteration')))
    log_report = extensions.LogReport(trigger=(1, 'iteration'), log_name=None)
    trainer.extend(log_report)
    seen, fired = [], []
    trainer.extend(lambda trainer: seen.append(
        {k: float(v) for k, v in trainer.observation.items()}), priority=READER + 1)
    trainer.extend(lambda trainer: fired.append(trainer.updater.iteration),
                   trigger=ns.training.triggers.MinValueTrigger('lr', (lr_every, 'iteration')))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        trainer.run()
    log = [{k: v for k, v in entry.items() if k != 'elapsed_time'} for entry in log_report.log]
    return seen, log, fired


# --- best-value and early-stopping triggers ------------------------------------------

def best_value_trigger(ns, scenario, compare):
    triggers = ns.training.triggers
    if scenario.kind == 'min':
        return triggers.MinValueTrigger('main/' + scenario.monitor, trigger=scenario.check)
    if scenario.kind == 'max':
        return triggers.MaxValueTrigger('main/' + scenario.monitor, trigger=scenario.check)
    return triggers.BestValueTrigger('main/' + scenario.monitor, compare,
                                     trigger=scenario.check)


def saved_best_value(ns, out, trigger):
    """``(best_value, the sorted keys of the file)`` as the trigger saves
    them (``save_npz``; read with NumPy)."""
    harness.attribute(trigger, 'serialize', f'training.triggers.{type(trigger).__name__}.serialize')
    path = os.path.join(fresh_dir(out), 'trigger.npz')
    ns.serializers.save_npz(path, trigger)
    with numpy.load(path, allow_pickle=False) as saved:
        keys = sorted(saved.files)
        try:
            value = float(saved['best_value'])
        except ValueError:      # an object array: how Chainer's npz writes None (never unpickled)
            value = None
    return value, keys


def run_best_value(ns, out, scenario, compare, interrupt_at=None):
    """``(iterations where the trigger fired, saved best value, log, keys of
    the trigger's own save_npz file)``, the run interrupted at
    ``interrupt_at`` and resumed into a fresh trainer from a ``save_npz``
    snapshot when given."""
    out = fresh_dir(out)
    fired = []

    def build(stop):
        trainer = value_trainer(ns, out, scenario, stop)
        trigger = best_value_trigger(ns, scenario, compare)
        trainer.extend(lambda trainer: fired.append(trainer.updater.iteration),
                       name='record', trigger=trigger)
        log_report = ns.training.extensions.LogReport(trigger=scenario.check, log_name=None)
        trainer.extend(log_report)
        return trainer, trigger, log_report

    if interrupt_at is not None:
        trainer, _, _ = build((interrupt_at, 'iteration'))
        trainer.run()
        ns.serializers.save_npz(os.path.join(out, 'snapshot'), trainer)
    trainer, trigger, log_report = build((scenario.iterations, 'iteration'))
    if interrupt_at is not None:
        ns.serializers.load_npz(os.path.join(out, 'snapshot'), trainer)
    trainer.run()
    log = [{k: v for k, v in entry.items() if k != 'elapsed_time'} for entry in log_report.log]
    best, keys = saved_best_value(ns, out, trigger)
    return fired, best, log, keys


def early_stopping(ns, scenario, verbose=None, patience_as='patience', left_out=()):
    """The scenario's ``EarlyStoppingTrigger``, its patience passed under the
    keyword ``patience_as`` (``patience``, or ``patients``, its old name;
    None: left to the default), the arguments named in ``left_out``
    (``check_trigger``, ``monitor``, ``mode``) left to their defaults."""
    # ``patience`` is Chainer 7's name (``patients`` before): a lack if refused.
    kwargs = {} if verbose is None else {'verbose': verbose}
    if patience_as is not None:
        kwargs[patience_as] = scenario.patience
    given = {'check_trigger': scenario.check, 'monitor': 'main/' + scenario.monitor,
             'mode': scenario.mode}
    kwargs.update({k: v for k, v in given.items() if k not in left_out})
    return harness.call_with(
        'training.triggers.EarlyStoppingTrigger', ns.training.triggers.EarlyStoppingTrigger,
        max_trigger=scenario.max_trigger, **kwargs)


def run_early_stopping(ns, out, scenario, interrupt_at=None, verbose=None,
                       patience_as='patience', left_out=()):
    """The number of updates made under the EarlyStoppingTrigger stop
    trigger (built by ``early_stopping``, ``left_out`` passed on);
    interrupted at ``interrupt_at`` (a stop trigger of its own), saved with
    ``save_npz`` and resumed into a fresh trainer with a fresh
    EarlyStoppingTrigger when given.  With ``verbose`` (passed on) it
    returns ``(updates, what was printed on sys.stdout)``."""
    out = fresh_dir(out)
    printed = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(printed):
        warnings.simplefilter('ignore')
        if interrupt_at is not None:
            first = value_trainer(ns, out, scenario, (interrupt_at, 'iteration'))
            first.run()
            ns.serializers.save_npz(os.path.join(out, 'snapshot'), first)
        trainer = value_trainer(ns, out, scenario,
                                early_stopping(ns, scenario, verbose, patience_as, left_out))
        if interrupt_at is not None:
            ns.serializers.load_npz(os.path.join(out, 'snapshot'), trainer)
        trainer.run()
    if verbose is None:
        return trainer.updater.iteration
    return trainer.updater.iteration, printed.getvalue()


# --- TimeTrigger -----------------------------------------------------------------------

def clocked(trainer, clock):
    """Give ``trainer`` a clock: its ``elapsed_time`` is ``clock[i - 1]``
    at iteration ``i`` (0 before the first update)."""
    trainer.__class__ = type('ClockedTrainer', (type(trainer),), {'elapsed_time': property(
        lambda self: clock[self.updater.iteration - 1] if self.updater.iteration else 0.0)})
    return trainer


NEXT_TIME = 'extension_triggers/record/next_time'


def run_time_trigger(ns, out, period, clock, interrupt_at=None, read_next_time=True):
    """``(iterations where an extension with TimeTrigger(period) ran,
    next_time saved with the trainer after the run)``, the trainer's
    elapsed time being ``clock[i]`` at update ``i + 1``; interrupted at
    ``interrupt_at``, saved with ``save_npz`` and resumed into a fresh
    trainer with a fresh trigger when given.  ``next_time`` is read under
    Chainer's key (its absence fails the property), and only where
    ``read_next_time``: the firings alone do not depend on that layout."""
    out = fresh_dir(out)
    fired = []

    def build(stop):
        trainer = clocked(harness.make_trainer(ns, out, n=3, stop=(stop, 'iteration')), clock)
        trainer.extend(lambda trainer: fired.append(trainer.updater.iteration), name='record',
                       trigger=ns.training.triggers.TimeTrigger(period))
        return trainer

    if interrupt_at is not None:
        first = build(interrupt_at)
        first.run()
        ns.serializers.save_npz(os.path.join(out, 'snapshot'), first)
    trainer = build(len(clock))
    if interrupt_at is not None:
        ns.serializers.load_npz(os.path.join(out, 'snapshot'), trainer)
    trainer.run()
    if not read_next_time:
        return fired, None
    path = os.path.join(out, 'final')
    ns.serializers.save_npz(path, trainer)
    with numpy.load(path) as saved:
        assert NEXT_TIME in saved.files, (
            f'save_npz(trainer) wrote no {NEXT_TIME!r} (TimeTrigger.serialize), only '
            f'{sorted(saved.files)}')
        next_time = saved[NEXT_TIME]
    return fired, float(next_time)


# --- Evaluator --------------------------------------------------------------------------

class Probe:
    """What ``eval_func`` saw: examples per call, ``config.train`` and
    ``config.enable_backprop`` while it ran; per call of ``eval_hook``,
    whether it got the evaluator; what an evaluator never registered with a
    trainer (``name`` None) returned."""

    def __init__(self):
        self.calls, self.modes, self.hooked, self.unregistered = [], set(), [], None


def run_evaluator(ns, out, scenario):
    """``(examples seen per evaluation, modes, observations seen by a reader,
    the evaluator's return value after the run, parameters and training
    iterator state before/after)``."""
    config = ns.config
    trainer = harness.make_trainer(ns, fresh_dir(out), n=3, batch_size=2,
                                   stop=(scenario.iterations, 'iteration'))
    target = ns.Chain()
    with target.init_scope():
        target.child = ns.Link()
        with target.child.init_scope():
            target.child.w = ns.Parameter(numpy.array([1.5, -2.0], dtype=numpy.float32))
    validation = ns.iterators.SerialIterator(
        harness.dataset(scenario.n_validation), scenario.batch_size, repeat=False,
        shuffle=False)
    probe, evaluation = Probe(), []

    def eval_func(x):
        examples = numpy.asarray(x).reshape(-1).tolist()
        evaluation.extend(examples)
        probe.modes.add((config.train, config.enable_backprop))   # as set, not truthiness
        ns.report({'loss': sum(examples) + scenario.offset}, target)
        ns.report({'size': len(examples)}, target.child)

    evaluator = ns.training.extensions.Evaluator(
        validation, target, eval_func=eval_func,
        eval_hook=lambda arg: probe.hooked.append(arg is evaluator))

    def start_call(trainer):
        evaluation.clear()

    def end_call(trainer):
        probe.calls.append(sorted(evaluation))

    trigger = (scenario.calls_every, 'iteration')
    trainer.extend(start_call, trigger=trigger, priority=WRITER + 1)
    trainer.extend(evaluator, name=scenario.name, trigger=trigger)
    trainer.extend(end_call, trigger=trigger, priority=WRITER - 1)
    seen = []
    trainer.extend(lambda trainer: seen.append(
        (trainer.updater.iteration,
         {k: float(v) for k, v in trainer.observation.items() if k != 'main/loss'})),
        trigger=trigger)
    trainer.run()
    it = trainer.updater.get_iterator('main')

    def state():
        return (target.child.w.array.tolist(), it.current_position, it.epoch,
                it.is_new_epoch, trainer.updater.iteration)

    before = state()
    evaluation.clear()
    result = {k: float(v) for k, v in evaluator().items()}
    after, after_run = state(), sorted(evaluation)
    unregistered = ns.training.extensions.Evaluator(validation, target, eval_func=eval_func)
    probe.unregistered = {k: float(v) for k, v in unregistered().items()}
    return probe, seen, result, after_run, (before, after)


def run_evaluator_forcing_backprop(ns, scenario):
    """Per batch of one ``Evaluator`` call (never registered with a
    trainer), ``config.enable_backprop`` as ``eval_func`` saw it before, in
    and after a ``with force_backprop_mode():`` block."""
    config = ns.config
    validation = ns.iterators.SerialIterator(
        harness.dataset(scenario.n_validation), scenario.batch_size, repeat=False,
        shuffle=False)
    seen = []

    def eval_func(x):
        before = config.enable_backprop
        with ns.force_backprop_mode():
            inside = config.enable_backprop
        seen.append((before, inside, config.enable_backprop))

    ns.training.extensions.Evaluator(validation, ns.Chain(), eval_func=eval_func)()
    return seen


def run_evaluator_progress_bar(ns, scenario):
    """What an ``Evaluator(progress_bar=True)`` over the scenario's
    validation set wrote to ``sys.stdout`` in one call (never registered
    with a trainer), each speed line replaced by ``model.SPEED``."""
    validation = ns.iterators.SerialIterator(
        harness.dataset(scenario.n_validation), scenario.batch_size, repeat=False,
        shuffle=False)
    evaluator = harness.call_with(
        'training.extensions.Evaluator', ns.training.extensions.Evaluator,
        validation, ns.Chain(), eval_func=lambda x: None, progress_bar=True)
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        evaluator()
    return SPEED_LINE.sub(model.SPEED, text.getvalue())


# --- snapshots ------------------------------------------------------------------------

def snapshot_run(ns, out, scenario, stop, writer, autoload=False):
    """Run to ``stop`` with a snapshot every ``every`` iterations (skipped
    at ``skip``); return the iteration of the first update and the names of
    the snapshots taken."""
    trainer = harness.make_trainer(ns, out, n=4, stop=(stop, 'iteration'))
    taken, first = [], []
    kwargs = {} if writer is None else {
        'writer': getattr(ns.training.extensions.snapshot_writers, writer)()}
    if autoload:   # Chainer 6's argument: passed only where it is used
        kwargs['autoload'] = True
    trainer.extend(harness.call_with(
        'training.extensions.snapshot', ns.training.extensions.snapshot,
        n_retains=scenario.n_retains, **kwargs,
        condition=lambda: trainer.updater.iteration not in scenario.skip),
        trigger=(scenario.every, 'iteration'))

    def record(trainer):
        first.append(trainer.updater.iteration)
        if (trainer.updater.iteration % scenario.every == 0
                and trainer.updater.iteration not in scenario.skip):
            taken.append(f'snapshot_iter_{trainer.updater.iteration}')

    trainer.extend(record)
    trainer.run()
    return (first or [None])[0], taken


def object_snapshot_run(ns, out, iterations, every, filename, via):
    """Run ``iterations`` updates with ``snapshot_object(link, filename)``
    (``via`` ``'snapshot_object'``) or ``snapshot(filename=..., target=link)``
    (``via`` ``'snapshot'``) every ``every`` iterations, where ``link`` has
    a parameter ``w`` and a persistent ``seen`` that a writer extension sets
    to the iteration before the snapshot runs.  Returns ``{file name:
    {key: plain value}}`` of the files left in ``out`` (read with
    ``numpy.load``)."""
    link = ns.Link()
    with link.init_scope():
        link.w = ns.Parameter(numpy.zeros(2, dtype=numpy.float32))
    link.add_persistent('seen', 0)
    trainer = harness.make_trainer(ns, out, n=4, stop=(iterations, 'iteration'))

    @ns.training.make_extension(trigger=(1, 'iteration'), priority=WRITER)
    def mark(trainer):
        link.w.array[...] = trainer.updater.iteration
        link.seen = trainer.updater.iteration

    extensions = ns.training.extensions
    if via == 'snapshot_object':
        snapshot = extensions.snapshot_object(link, filename)
    else:   # target= is Chainer 6's keyword: a lack if refused
        snapshot = harness.call_with('training.extensions.snapshot', extensions.snapshot,
                                     filename=filename, target=link)
    trainer.extend(mark)
    trainer.extend(snapshot, trigger=(every, 'iteration'))
    trainer.run()
    return {name: {key: value.tolist() for key, value in sorted(content.items())}
            for name, content in saved_files(out).items()}


def snapshot_on_error_run(ns, out, fail_at, on_error, writer):
    """Run a trainer whose extension raises ``RuntimeError`` at update
    ``fail_at``, with ``snapshot(snapshot_on_error=on_error)`` (None: left
    out) whose trigger never fires, and the writer ``writer`` (a name; None:
    the default).  Returns ``(the error raised, {file name: the updater's
    iteration saved in it})`` of the files left in ``out``."""
    trainer = harness.make_trainer(ns, out, n=4, stop=(fail_at + 3, 'iteration'))

    def fail(trainer):
        if trainer.updater.iteration == fail_at:
            raise RuntimeError(f'failing at {fail_at}')

    kwargs = {} if on_error is None else {'snapshot_on_error': on_error}
    if writer is not None:
        kwargs['writer'] = getattr(ns.training.extensions.snapshot_writers, writer)()
    trainer.extend(fail)
    trainer.extend(harness.call_with('training.extensions.snapshot',
                                     ns.training.extensions.snapshot, **kwargs),
                   trigger=(100, 'iteration'))
    error = None
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            trainer.run()
        except Exception as e:
            error = e
    return error, {name: int(content['updater/iteration'])
                   for name, content in saved_files(out).items()}


def saved_files(out):
    """``{file name: its arrays}`` of the npz files in ``out``."""
    return {name: read_npz(os.path.join(out, name)) for name in sorted(os.listdir(out))}


def snapshot_paths(ns, out, scenario, writer):
    """The paths the writer ``writer`` (a name) handed to its ``savefun``
    (which saves with ``save_npz``) over a run of the scenario."""
    paths = []

    def savefun(path, target):
        paths.append(path)
        ns.serializers.save_npz(path, target)

    trainer = harness.make_trainer(ns, out, n=4, stop=(scenario.iterations, 'iteration'))
    trainer.extend(harness.call_with(
        'training.extensions.snapshot', ns.training.extensions.snapshot,
        n_retains=scenario.n_retains,
        writer=getattr(ns.training.extensions.snapshot_writers, writer)(savefun=savefun),
        condition=lambda: trainer.updater.iteration not in scenario.skip),
        trigger=(scenario.every, 'iteration'))
    trainer.run()
    return paths


def run_snapshots_left(ns, out, scenario, writer=None):
    """The snapshots taken and the files left in ``out`` after a run."""
    out = fresh_dir(out)
    _, taken = snapshot_run(ns, out, scenario, scenario.iterations, writer)
    return taken, sorted(os.listdir(out))
