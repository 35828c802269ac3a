"""Scenarios of the observation families: report streams for ``LogReport``,
value streams for the best-value and early-stopping triggers, validation
sets for ``Evaluator``, snapshot runs."""
from dataclasses import dataclass
from typing import Optional

import numpy
from hypothesis import strategies as st

from conformance.models import observation as model
from conformance.models.iterator import updater_states

KEYS = ('loss', 'accuracy', 'a/b', 'x')


@dataclass(frozen=True)
class StreamScenario:
    """``n`` samples in batches of ``batch_size``; update ``i + 1`` reports
    ``reports[i]``, a tuple of ``(key, value, with_observer)``: with the
    observer the key is ``main/<key>`` (the model registered by the trainer)."""
    n: int
    batch_size: int
    reports: tuple
    keys: Optional[tuple] = None
    trigger: tuple = (1, 'iteration')
    filename: str = 'log'

    @property
    def iterations(self):
        return len(self.reports)

    def stream(self):
        return [{('main/' + k if observed else k): v for k, v, observed in reports}
                for reports in self.reports]

    def states(self):
        return updater_states(self.n, self.batch_size, self.iterations)[1:]

    def states_until(self, stop):
        """The updater states after each update of a run that ``stop``
        (``(period, unit)``) ends."""
        interval, states = model.Interval(*stop), []
        for state in updater_states(self.n, self.batch_size, 64)[1:]:
            states.append(state)
            if interval(state):
                return states
        raise ValueError(f'{stop} does not end a run of 64 updates')


def report_values():
    return st.one_of(
        st.integers(-5, 5),
        st.floats(-100, 100, allow_nan=False, width=64),
        st.floats(-100, 100, allow_nan=False, width=32).map(numpy.float32))


@st.composite
def one_update_reports(draw):
    names = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=3))
    return tuple((name, draw(report_values()), name != 'x') for name in names)


def triggers(max_period=3):
    return st.one_of(
        st.tuples(st.integers(1, max_period), st.just('iteration')),
        st.tuples(st.integers(1, 2), st.just('epoch')))


@st.composite
def stream_scenarios(draw, max_iterations=8, min_iterations=1):
    reports = tuple(draw(st.lists(one_update_reports(), min_size=min_iterations,
                                  max_size=max_iterations)))
    seen = ['main/' + k if k != 'x' else k for k in KEYS]
    keys = draw(st.none() | st.lists(st.sampled_from(seen + ['absent']), unique=True,
                                     max_size=4).map(tuple))
    return StreamScenario(
        n=draw(st.integers(2, 4)), batch_size=draw(st.integers(1, 2)), reports=reports,
        keys=keys, trigger=draw(triggers()),
        filename=draw(st.sampled_from(['log', 'log.json', 'log_{iteration}'])))


# --- best-value and early-stopping triggers -------------------------------------------

@dataclass(frozen=True)
class ValueScenario:
    """``values[i]`` is reported as ``main/<monitor>`` at update ``i + 1``
    (``None``: nothing); the trigger compares over ``check``."""
    n: int
    batch_size: int
    values: tuple
    check: tuple
    kind: str = 'min'            # min, max, custom (best-value triggers)
    monitor: str = 'loss'
    mode: str = 'auto'           # early stopping
    patience: int = 1
    max_trigger: tuple = (100, 'iteration')
    at: int = 0                  # where a resumed run was interrupted

    @property
    def iterations(self):
        return len(self.values)

    def states(self, count=None):
        return updater_states(self.n, self.batch_size, count or self.iterations)


def custom_compare(best, new):
    """The custom comparison of the BestValueTrigger scenarios: closer to 2."""
    return abs(new - 2) < abs(best - 2)


COMPARES = {'min': lambda best, new: new < best, 'max': lambda best, new: new > best,
            'custom': custom_compare}

# small values with repeats, so that ties (no firing) are common
SMALL = st.sampled_from([0.0, 1.0, 2.0, 3.0, 0.5, 2.5, -1.0])
NAN = float('nan')


@st.composite
def best_value_scenarios(draw, max_iterations=9):
    n, batch_size = draw(st.integers(2, 4)), draw(st.integers(1, 2))
    check = draw(triggers())
    values = list(draw(st.lists(st.none() | SMALL, min_size=2, max_size=max_iterations)))
    if draw(st.booleans()):     # a repeated stretch: equal interval means (ties)
        cut = draw(st.integers(1, len(values)))
        values = (values[:cut] * max_iterations)[:max_iterations]
    states = updater_states(n, batch_size, len(values))[1:]
    # every window that ends with a firing holds a value (else Chainer's KeyError)
    interval, window = model.Interval(*check), []
    for i, state in enumerate(states):
        window.append(i)
        if interval(state):
            if all(values[j] is None for j in window):
                values[i] = draw(SMALL)
            window = []
    return ValueScenario(n, batch_size, tuple(values), check,
                         kind=draw(st.sampled_from(sorted(COMPARES))),
                         # before the end: a trainer resumed at its stop point runs on (C5)
                         at=draw(st.integers(1, len(values) - 1)))


@st.composite
def early_stopping_scenarios(draw, gaps=False, max_iterations=10, check=None):
    """Values present at every check (Chainer's code and docs agree);
    ``check``: the check trigger, drawn when None."""
    n, batch_size = draw(st.integers(2, 4)), draw(st.integers(1, 2))
    check = check or draw(st.one_of(st.tuples(st.integers(1, 2), st.just('iteration')),
                                    st.tuples(st.integers(1, 3), st.just('iteration')),
                                    st.just((1, 'epoch'))))
    values = list(draw(st.lists(st.none() | SMALL, min_size=5, max_size=max_iterations)))
    states = updater_states(n, batch_size, len(values))[1:]
    interval = model.Interval(*check)
    for i, state in enumerate(states):
        if interval(state) and values[i] is None:
            values[i] = draw(SMALL)
    trend = draw(st.sampled_from([None, 'up', 'down', 'up', 'down']))
    if trend:           # a rising or falling stream: 'min' and 'max' part ways
        ordered = iter(sorted((v for v in values if v is not None), reverse=trend == 'down'))
        values = [None if v is None else next(ordered) for v in values]
    # Now and then a diverged value: NaN is never better than the best, not
    # even the first one (the count of bad checks starts at 0, not unset).
    nan_at = draw(st.sampled_from((None, None, None, 0)) | st.integers(0, len(values) - 1))
    if nan_at is not None:
        values[nan_at] = NAN
    monitor = draw(st.sampled_from(['loss', 'accuracy', 'validation_accuracy']))
    return ValueScenario(
        n, batch_size, tuple(values), check, monitor=monitor,
        mode=draw(st.sampled_from(['auto', 'auto', 'min', 'max'])),
        patience=draw(st.integers(1, 3)),
        # mostly late enough that patience, not the maximum, ends the run
        max_trigger=(draw(st.just(len(values) + 1) | st.integers(1, len(values) + 1)),
                     'iteration'),
        at=draw(st.integers(1, len(values))))


@st.composite
def early_stopping_gap_scenarios(draw):
    """A check whose own iteration lacks the monitor, where the documented
    rule stops the run and Chainer's code, which skips that check, does not:
    windows of ``period`` updates, the last one silent, the others worse
    than the best so far."""
    period = draw(st.integers(2, 3))
    patience = draw(st.integers(1, 2))
    first = draw(st.lists(SMALL, min_size=period, max_size=period))
    values, best = list(first), sum(first) / period      # one complete window: min mode
    for _ in range(patience):
        worse = draw(st.lists(st.sampled_from([0.5, 1.0, 2.0]), min_size=period - 1,
                              max_size=period - 1))
        values += [best + w for w in worse] + [None]
    return ValueScenario(n=100, batch_size=1, values=tuple(values),
                         check=(period, 'iteration'), monitor='loss', mode='min',
                         patience=patience, max_trigger=(len(values) + 1, 'iteration'))


# --- Evaluator --------------------------------------------------------------------------

@dataclass(frozen=True)
class EvaluatorScenario:
    n_validation: int
    batch_size: int
    calls_every: int        # the evaluator's trigger, in iterations
    iterations: int
    name: Optional[str]     # extend(name=...); None: the default name
    offset: float


@st.composite
def evaluator_scenarios(draw):
    return EvaluatorScenario(
        n_validation=draw(st.integers(1, 5)), batch_size=draw(st.integers(1, 3)),
        calls_every=draw(st.integers(1, 2)), iterations=draw(st.integers(1, 4)),
        name=draw(st.none() | st.sampled_from(['val', 'test'])),
        offset=draw(st.sampled_from([0.0, 0.5, -2.0])))


# --- snapshots ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SnapshotScenario:
    iterations: int          # < 10: file names sort as their iterations
    every: int
    n_retains: int
    skip: tuple              # iterations where condition() is false
    at: int                  # autoload: the first run stops here


@st.composite
def snapshot_scenarios(draw):
    iterations = draw(st.integers(1, 9))
    return SnapshotScenario(
        iterations=iterations, every=draw(st.integers(1, 3)),
        n_retains=draw(st.integers(-1, 3)),
        skip=tuple(draw(st.lists(st.integers(1, iterations), unique=True, max_size=2))),
        # the second run of an autoload goes on to 9: the first stops before
        at=draw(st.integers(1, min(iterations, 8))))


@st.composite
def retaining_snapshot_scenarios(draw):
    """``n_retains > 0`` and more snapshots taken than it keeps, so that
    keeping every file and keeping the newest ``n_retains`` part ways."""
    n_retains, every = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    iterations = draw(st.integers(every * (n_retains + 1), 6))
    return SnapshotScenario(iterations=iterations, every=every, n_retains=n_retains,
                            skip=(), at=1)


# --- ProgressBar, PlotReport, TimeTrigger ------------------------------------------------

@st.composite
def progress_scenarios(draw):
    """``(scenario, stop trigger, update_interval)``: runs of at most 9 updates."""
    scenario = StreamScenario(n=draw(st.integers(2, 4)), batch_size=draw(st.integers(1, 2)),
                              reports=())
    per_epoch = scenario.n / scenario.batch_size
    stop = draw(st.tuples(st.integers(1, 9), st.just('iteration'))
                | st.tuples(st.integers(1, max(1, int(9 / per_epoch))), st.just('epoch')))
    return scenario, stop, draw(st.integers(1, 3))


def plot_keys():
    """``y_keys`` of a PlotReport: keys a stream reports, and one it never does."""
    return st.lists(st.sampled_from(['main/loss', 'main/accuracy', 'x', 'absent']),
                    unique=True, min_size=1, max_size=3)


# binary fractions: the trigger's sums of periods are exact, so ties with the clock are exact
PERIODS = st.sampled_from([0.5, 1.0, 1.5, 2.0])
CLOCK_STEPS = st.sampled_from([0.0, 0.25, 0.5, 1.0, 2.5, 4.0])


@st.composite
def clocks(draw, max_updates=8):
    """Elapsed times at updates 1, 2, ...: non-decreasing, with pauses
    longer than a period and repeats."""
    steps = draw(st.lists(CLOCK_STEPS, min_size=1, max_size=max_updates))
    clock, now = [], 0.0
    for step in steps:
        now += step
        clock.append(now)
    return tuple(clock)


def statistics_targets(variables=True):
    """``VariableStatisticsPlot`` target trees (``models.observation.VARIABLE_LEAVES``):
    a chain, a parameter or a variable (of 1 to 3 elements), or a list or
    tuple of such trees, nested up to twice.  Without ``variables`` some
    leaves hold none (an empty chain, None, a bare NumPy array) and lists may
    be empty."""
    sizes = st.integers(1, 3)
    leaf = (st.tuples(st.just('link'), st.lists(sizes, min_size=1, max_size=2).map(tuple))
            | st.tuples(st.sampled_from(model.VARIABLE_LEAVES), sizes))
    if not variables:
        leaf = leaf | st.tuples(st.just('link'), st.just(())) \
            | st.tuples(st.sampled_from(['none', 'array']), sizes)
    return st.recursive(leaf, lambda children: st.tuples(
        st.sampled_from(['list', 'tuple']),
        st.lists(children, min_size=1 if variables else 0, max_size=2).map(tuple)),
        max_leaves=3)


#: percentiles to choose ``percentile_sigmas`` from: Chainer's defaults and quartiles
SIGMAS = st.sampled_from(model.PERCENTILE_SIGMAS + (25, 75))


def statistics_options(draw_default):
    """Keyword arguments of a ``VariableStatisticsPlot`` (``draw_default``
    marks one left out): its rows, statistics and percentiles, among them a
    scalar (one percentile; 0 is none) and empty sequences (none), the
    lines' marker, the grid and the figure's size (None: matplotlib's)."""
    flag = st.sampled_from([draw_default, True, False])
    return st.fixed_dictionaries({
        'report_data': flag, 'report_grad': flag, 'plot_mean': flag, 'plot_std': flag,
        'percentile_sigmas': st.just(draw_default) | SIGMAS | st.lists(SIGMAS, max_size=4)
        | st.lists(SIGMAS, max_size=3).map(tuple),
        'marker': st.sampled_from([draw_default, None, 'x', 'o']), 'grid': flag,
        'figsize': st.sampled_from([draw_default, None, (3.0, 2.0), (2.5, 4.0)])})


def nothing_to_plot_options():
    """``VariableStatisticsPlot`` options that plot nothing: neither mean nor
    std, and no percentile (an empty sequence, or the scalar 0)."""
    return st.fixed_dictionaries({
        'plot_mean': st.just(False), 'plot_std': st.just(False),
        'percentile_sigmas': st.sampled_from([(), [], 0])})
