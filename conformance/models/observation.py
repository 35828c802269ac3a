"""What Chainer 7.8.1's observation pipeline computes from a report stream.

A scenario reports, at each update, a chosen list of ``(key, value)``
(``runners.observation``); the functions here say what ``LogReport``,
``PrintReport``, ``MicroAverage``, the best-value triggers,
``EarlyStoppingTrigger`` and the snapshot extension's ``n_retains`` make of
it (SEMANTICS J5, J6, C8, C9, I8, M1-M8).

An *observation stream* is a list, one entry per update, of dicts
``{observed key: value}`` in report order; ``states`` are the updater states
after each update (``models.iterator.updater_states(...)[1:]``), so
``states[i]`` belongs to update ``i + 1``.
"""
import numpy

from conformance.models.triggers import interval_fires

INF = float('inf')


def _position(state, unit):
    iteration, _, detail, *_ = state
    return iteration if unit == 'iteration' else detail


class Interval:
    """``IntervalTrigger(period, unit)``, fresh (previous position 0)."""

    def __init__(self, period, unit):
        self.period, self.unit, self.previous = period, unit, 0 if unit == 'iteration' else 0.0

    def __call__(self, state):
        current = _position(state, self.unit)
        fired = interval_fires(self.period, self.previous, current)
        self.previous = current
        return fired


class Summary:
    """``DictSummary`` of unweighted scalars: per key the running sum from
    ``0.0`` and the count, keys in order of first appearance (SEMANTICS J5)."""

    def __init__(self):
        self.sums = {}

    def add(self, observation):
        for key, value in observation.items():
            total, count, values = self.sums.get(key, (0.0, 0, []))
            self.sums[key] = (total + float(value), count + 1, values + [value])

    def mean(self):
        return {key: total / count for key, (total, count, _) in self.sums.items()}

    def values(self):
        return {key: values for key, (_, _, values) in self.sums.items()}


# --- LogReport (SEMANTICS J6, M1) ---------------------------------------------------

def log_entries(stream, states, keys, trigger):
    """``LogReport(keys, trigger)``'s log: at each update its trigger
    fires, the means of the keys (filtered by ``keys`` when given) seen since
    the last entry in order of first appearance, then ``epoch`` and
    ``iteration`` (``elapsed_time`` is added by the caller's comparison).
    Each entry is ``(means, contributing values, epoch, iteration)``."""
    interval, summary, log = Interval(*trigger), Summary(), []
    for observation, state in zip(stream, states):
        if keys is not None:
            observation = {k: observation[k] for k in keys if k in observation}
        summary.add(observation)
        if interval(state):
            log.append((summary.mean(), summary.values(), state[1], state[0]))
            summary = Summary()
    return log


def print_report_text(entries, log):
    """``PrintReport(entries)``'s output over a run whose ``LogReport`` gave
    ``log`` (dicts): the header once, at its first call, then ``ESC [J`` and
    one row per new log entry; columns ``max(10, len(entry))`` wide and two
    spaces apart, values with ``{:<Wg}``, a missing key as ``W + 2`` blanks
    (SEMANTICS M2)."""
    widths = [max(10, len(e)) for e in entries]
    text = '  '.join('{:%d}' % w for w in widths).format(*entries) + '\n'
    for entry in log:
        text += '\033[J'
        for name, w in zip(entries, widths):
            text += ('{:<%dg}  ' % w).format(entry[name]) if name in entry else ' ' * (w + 2)
        text += '\n'
    return text


# --- MicroAverage (SEMANTICS M4) -------------------------------------------------------

def micro_average(stream, states, numerator, denominator, trigger, resumed_at=None):
    """``(iteration, result)`` for each report of ``MicroAverage``: it adds
    up the two keys at the updates that have both, and only there consults
    its trigger; when that fires it reports ``float(num) / den``.
    ``resumed_at``: the run was resumed from a snapshot taken after that
    iteration, which restores the sums (``serialize``) but not the
    trigger, fresh again."""
    interval, num, den, reported = Interval(*trigger), 0, 0, []
    for observation, state in zip(stream, states):
        if state[0] - 1 == resumed_at:
            interval = Interval(*trigger)
        if numerator not in observation or denominator not in observation:
            continue
        num += observation[numerator]
        den += observation[denominator]
        if interval(state):
            reported.append((state[0], float(num) / den))
            num, den = 0, 0
    return reported


# --- best-value triggers (SEMANTICS C8) ---------------------------------------------

def best_value_firings(values, states, compare, trigger):
    """``(iterations where BestValueTrigger fired, best value after the
    run)`` for ``values[i]`` (``None``: not reported) observed at update
    ``i + 1``; ``compare(best, new)`` is true when ``new`` is better."""
    interval, summary, best, fired = Interval(*trigger), Summary(), None, []
    for value, state in zip(values, states):
        if value is not None:
            summary.add({'v': value})
        if interval(state):
            mean = summary.mean()['v']      # Chainer: KeyError on an empty window
            summary = Summary()
            if best is None or compare(best, mean):
                best = mean
                fired.append(state[0])
    return fired, best


def mode_compare(mode, monitor):
    """EarlyStoppingTrigger's comparison: ``'max'``/``'min'``, otherwise
    greater is better iff ``'accuracy'`` is in the monitor's name."""
    greater = mode == 'max' or (mode not in ('max', 'min') and 'accuracy' in monitor)
    return (lambda new, best: new > best) if greater else (lambda new, best: new < best)


def early_stopping_stop(values, states, check, max_trigger, patience, greater_is_better,
                        as_documented=False, with_patience_epoch=False):
    """The number of updates after which ``EarlyStoppingTrigger`` (a stop
    trigger, consulted before the first update and after each one, with
    fresh interval triggers) stops the run, or ``None`` if it has not by the
    end of ``states``.  ``states`` starts with the state the trainer starts
    from; ``values[i]`` is observed with ``states[i + 1]``.

    Chainer's code skips a check whose own observation lacks the monitor
    (the values carry over); its documentation compares "the mean of the
    accumulated values" of the interval (``as_documented``).
    ``with_patience_epoch``: ``(updates, the epoch at the stop where
    patience, not max_trigger, stopped it, else None)``.
    """
    better = (lambda new, best: new > best) if greater_is_better else (
        lambda new, best: new < best)
    checks, maximum = Interval(*check), Interval(*max_trigger)
    summary, best, count = Summary(), (-INF if greater_is_better else INF), 0
    for i, state in enumerate(states):
        value = values[i - 1] if i > 0 else None
        if value is not None:
            summary.add({'v': value})
        if maximum(state):
            return (state[0], None) if with_patience_epoch else state[0]
        if not checks(state):
            continue
        if (value is None and not as_documented) or 'v' not in summary.mean():
            continue
        mean = summary.mean()['v']
        summary = Summary()
        if better(mean, best):
            best, count = mean, 0
        else:
            count += 1
        if count >= patience:
            return (state[0], state[1]) if with_patience_epoch else state[0]
    return (None, None) if with_patience_epoch else None


# --- snapshots (SEMANTICS I8, M7) ---------------------------------------------------

def retained_snapshots(taken, n_retains):
    """The file names left after snapshots named ``taken`` (in order) were
    written with ``n_retains`` (``<= 0``: all kept): the newest ``n_retains``."""
    if n_retains <= 0:
        return sorted(set(taken))
    kept = []
    for name in taken:
        kept = [k for k in kept if k != name] + [name]
        kept = kept[-n_retains:]
    return sorted(kept)


# --- ProgressBar (SEMANTICS M10) ---------------------------------------------------------

SPEED = '<speed>\n'


def progress_bar_text(states, update_interval, training_length, bar_length=50):
    """What ``ProgressBar`` writes over a run with updater ``states`` (one
    per update), the clock-dependent speed line as ``SPEED``: at each
    update whose iteration is a multiple of ``update_interval``, ``ESC [J``,
    the whole-training bar (iterations or epochs done over the length,
    capped at 1), the epoch bar (the fraction of the current epoch), the
    counts, the speed line, then ``ESC [4A``; at the end ``ESC [J``."""
    length, unit = training_length

    def bar(rate):
        marks = '#' * int(rate * bar_length)
        return '[{}{}] {:6.2%}'.format(marks, '.' * (bar_length - len(marks)), rate)

    text = ''
    for iteration, epoch, detail, *_ in states:
        if iteration % update_interval:
            continue
        rate = min((iteration if unit == 'iteration' else detail) / length, 1.0)
        text += ('\033[J     total ' + bar(rate) + '\nthis epoch ' + bar(detail - int(detail))
                 + '\n{:10} iter, {} epoch / {} {}s\n'.format(iteration, epoch, length, unit)
                 + SPEED + '\033[4A')
    return text + '\033[J'


def evaluator_progress_text(n, batch_size, bar_length=50):
    """What ``Evaluator(progress_bar=True)`` writes to ``sys.stdout`` over
    one pass of a non-repeating ``SerialIterator`` of ``n`` examples, the
    speed line as ``SPEED``: after each batch ``ESC [J``, the bar of the
    iterator's ``epoch_detail``, ``{current_position:10} / {n} iterations``
    (the position is 0 again after the last batch), the speed line and
    ``ESC [3A``; at the end ``ESC [J``."""
    text, done = '', 0
    while done < n:
        done = min(done + batch_size, n)
        rate, position = (1.0, 0) if done == n else (done / n, done)
        marks = '#' * int(rate * bar_length)
        text += ('\033[Jvalidation [{}{}] {:6.2%}\n'.format(
            marks, '.' * (bar_length - len(marks)), rate)
            + '{:10} / {} iterations\n'.format(position, n) + SPEED + '\033[3A')
    return text + '\033[J'


# --- PlotReport (SEMANTICS M11) ----------------------------------------------------------

def plot_report_figures(stream, states, y_keys, x_key, trigger, resumed_at=None):
    """``(iteration, [(key, xs, means, contributing values)])`` for each
    figure ``PlotReport`` saves: at each firing of its trigger the mean of
    each ``y_keys`` entry seen in the interval is appended to that key's
    points at ``x`` (``epoch`` or ``iteration``), and the figure, one line
    per key with points (in ``y_keys`` order), is saved if it has any.
    ``resumed_at``: only the figures of a run resumed from a snapshot taken
    after that iteration, which restores the points (``serialize``) but
    neither the interval's summary nor the trigger, both fresh again."""
    points = {key: [] for key in y_keys}
    figures = []
    cut = len(states) if resumed_at is None else resumed_at
    entries = (log_entries(stream[:cut], states[:cut], y_keys, trigger)
               + log_entries(stream[cut:], states[cut:], y_keys, trigger))
    for means, values, epoch, iteration in entries:
        x = epoch if x_key == 'epoch' else iteration
        for key in y_keys:
            if key in means:
                points[key].append((x, means[key], values[key]))
        lines = [(key, [p[0] for p in points[key]], [p[1] for p in points[key]],
                  [p[2] for p in points[key]]) for key in y_keys if points[key]]
        if lines and (resumed_at is None or iteration > resumed_at):
            figures.append((iteration, lines))
    return figures


# --- VariableStatisticsPlot ------------------------------------------------------------

#: Chainer's default ``percentile_sigmas``: the percentiles of 0, 1, 2 and 3
#: sigmas either side of the median of a normal distribution, and the extremes.
PERCENTILE_SIGMAS = (0, 0.13, 2.28, 15.87, 50, 84.13, 97.72, 99.87, 100)

#: ``VariableStatisticsPlot``'s defaults of the options that choose what it plots
STATISTICS_PLOT_DEFAULTS = dict(report_data=True, report_grad=True, plot_mean=True,
                                plot_std=True, percentile_sigmas=PERCENTILE_SIGMAS, marker=None,
                                grid=True, figsize=None)


def variable_statistics_figures(values, period):
    """``(iteration, xs, means, stds, percentiles)`` for each figure
    ``VariableStatisticsPlot`` saves when each update ``i + 1`` leaves its
    targets holding ``values[i]``: it samples every iteration (after the
    update) the mean, std and ``PERCENTILE_SIGMAS`` percentiles of all the
    elements, and at each firing of its trigger ``(period, 'iteration')``
    plots every sample so far."""
    figures, xs, stats = [], [], []
    for i, row in enumerate(values):
        row = numpy.asarray(row, dtype=numpy.float64)
        xs.append(i + 1)
        stats.append((row.mean(), row.std(), list(numpy.percentile(row, PERCENTILE_SIGMAS))))
        if interval_fires(period, i, i + 1):
            figures.append((i + 1, list(xs), [s[0] for s in stats], [s[1] for s in stats],
                            [s[2] for s in stats]))
    return figures


#: What a ``VariableStatisticsPlot`` target tree (``strategies.observation.statistics_targets``)
#: holds: a leaf is ``(kind, size)``, a chain ``('link', sizes of its parameters)``, a
#: list or tuple ``('list' or 'tuple', children)``; ``'none'`` and ``'array'`` (a bare
#: NumPy array) hold no variable.
VARIABLE_LEAVES = ('parameter', 'variable')


def unpacked_sizes(tree):
    """Sizes of the variables ``VariableStatisticsPlot`` finds in ``tree``, in
    order: a variable itself, a link's parameters, and, recursively, those
    of each item of a list or tuple; anything else holds none."""
    kind, content = tree
    if kind in VARIABLE_LEAVES:
        return [content]
    if kind == 'link':
        return list(content)
    if kind in ('list', 'tuple'):
        return [size for child in content for size in unpacked_sizes(child)]
    return []


def statistics_refusal(sizes, plot_mean, plot_std, percentile_sigmas):
    """The ``ValueError`` message ``VariableStatisticsPlot`` raises when built
    over variables of ``sizes`` with these options, or None: first no
    variable, then nothing to plot (a falsy ``percentile_sigmas``, the
    scalar 0 too, means no percentiles)."""
    if not sizes:
        return 'Need at least one variables for which to collect statistics.\nActual: 0 <= 0'
    if not (plot_mean or plot_std or percentile_sigmas):
        return 'Nothing to plot'
    return None


def variable_statistics_axes(samples, plot_mean, plot_std, percentile_sigmas):
    """What each axis of a ``VariableStatisticsPlot`` figure draws from
    ``samples``, ``[(key, [elements of the targets' key at each plotted
    iteration])]`` with key ``'data'`` and/or ``'grad'``: a dict per axis in
    the figure's order (row by row; a column per key, the mean/std row then
    the percentile row) of ``title``, ``xlabel``, ``legend`` (labels),
    ``lines`` (the ys of each line) and ``spans`` (per collection, the
    ``(low, high)`` it covers at each iteration).  Mean and std together are
    a mean line with std error bars, alone a line labelled by what it is;
    percentiles pair as bands from the outside in (``p[i]`` with
    ``p[n - 1 - i]``, an even count repeating the innermost band as the
    one labelled), an odd count's middle one a line."""
    sigmas = percentile_sigmas if isinstance(percentile_sigmas, (list, tuple)) \
        else [percentile_sigmas] if percentile_sigmas else []
    rows = []
    if plot_mean or plot_std:
        row = []
        for key, elements in samples:
            means = [float(numpy.mean(e)) for e in elements]
            stds = [float(numpy.std(e)) for e in elements]
            if plot_mean and plot_std:
                axis = dict(legend=['mean, std'], lines=[means],
                            spans=[[(m - s, m + s) for m, s in zip(means, stds)]])
            else:
                axis = dict(legend=['mean' if plot_mean else 'std'],
                            lines=[means if plot_mean else stds], spans=[])
            row.append(dict(axis, title=key, xlabel=''))
        rows.append(row)
    if sigmas:
        n, row = len(sigmas), []
        for key, elements in samples:
            p = [[float(v) for v in numpy.percentile(numpy.asarray(e, dtype=numpy.float64),
                                                     sigmas)] for e in elements]
            bands = [[(min(q[i], q[n - 1 - i]), max(q[i], q[n - 1 - i])) for q in p]
                     for i in range(n // 2 + (n + 1) % 2)]
            row.append(dict(title='' if rows else key, xlabel='iteration', legend=['percentile'],
                            lines=[[q[n // 2] for q in p]] if n % 2 else [], spans=bands))
        rows.append(row)
    return [axis for row in rows for axis in row]


# --- TimeTrigger (SEMANTICS C10) ---------------------------------------------------------

def time_trigger_firings(period, clock):
    """``(indices i where TimeTrigger(period) fires when consulted at
    elapsed time clock[i], next_time after each call)``: it fires when its
    next time is strictly below the elapsed time, and then moves it one
    period on."""
    next_time, fired, after = period, [], []
    for i, elapsed in enumerate(clock):
        if next_time < elapsed:
            next_time += period
            fired.append(i)
        after.append(next_time)
    return fired, after
