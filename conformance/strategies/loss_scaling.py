"""Scenarios for the loss-scaling family.

Two kinds of run:

- a *schedule*: SGD on a Link with parameters ``a`` and ``b`` whose loss at
  update k is ``sum(a * factors[k]['/a']) + sum(b * factors[k]['/b'])``, so
  each parameter's scaled gradient is its factor times the loss scale.  A
  factor holding inf or NaN makes that gradient non-finite on purpose; in
  float16, large finite factors overflow once the scale has grown enough.
- a *training* run: any optimizer on a linear layer ``W``, ``b`` with a
  mean-squared-error loss over batches, scaled statically, compared with the
  same run unscaled.

A scenario is plain data; ``runners/loss_scaling.py`` plays it.
"""
import dataclasses

import numpy
from hypothesis import strategies as st

from conformance.strategies import optim

PATHS = ('/a', '/b')
NON_FINITE = (numpy.inf, -numpy.inf, numpy.nan)
# Chainer's default interval of ``loss_scaling``, and the clamp of the scale
# (the largest float16) (chainer/optimizer.py:Optimizer@v7.8.1).
DEFAULT_INTERVAL = 1000
MAX_SCALE = 65504

# In float16 a factor of 2**8 overflows the gradient (max 65504) once the
# scale reaches 2**8; in float32/float64 only inf and NaN factors do.
FACTOR_MAGNITUDE = {'float16': (2.0 ** -2, 2.0 ** 8), 'float32': (2.0 ** -4, 16.0),
                    'float64': (2.0 ** -4, 16.0)}


@dataclasses.dataclass
class ScaleScheduleScenario:
    """SGD(lr) updates of ``a`` and ``b``; ``calls[k]`` are the loss-scaling
    calls made on the optimizer before update k, each
    ``('loss_scaling', kwargs)`` or ``('set_loss_scale', scale)``; the first
    update's configure the run."""
    dtype: str
    lr: float
    shapes: dict        # path -> shape
    init: dict          # path -> array
    factors: list       # per update: path -> array of dtype
    calls: list         # per update: [(method, argument), ...]

    @property
    def tree(self):
        return optim.Node('Link', tuple((path[1:], shape) for path, shape in self.shapes.items()))

    @property
    def steps(self):
        return len(self.factors)


def dynamic_calls():
    """``loss_scaling()`` with its default interval or a given one."""
    return st.sampled_from((None, 1, 2, 3, DEFAULT_INTERVAL)).map(
        lambda k: ('loss_scaling', {} if k is None else {'interval': k}))


def static_scales():
    """Positive scales: powers of two either side of 1, other floats, ints."""
    return st.one_of(st.sampled_from([2.0 ** k for k in range(-3, 13)]),
                     st.floats(0.1, 5000.0), st.integers(1, 100))


def static_calls():
    return st.one_of(
        st.tuples(st.just('set_loss_scale'), static_scales()),
        static_scales().map(lambda s: ('loss_scaling', {'scale': s})))


def factor_steps(shapes, dtype, steps):
    """``steps`` dicts of finite factors, one array per parameter."""
    sizes = [int(numpy.prod(shape, dtype=int)) for shape in shapes.values()]
    ends = numpy.cumsum(sizes)

    def split(row):
        return {path: part.reshape(shape).copy() for (path, shape), part
                in zip(shapes.items(), numpy.split(row, ends[:-1]))}
    rows = optim.arrays((steps, int(ends[-1])), dtype, *FACTOR_MAGNITUDE[dtype])
    return rows.map(lambda rows: [split(row) for row in rows])


@st.composite
def poisoned(draw, factors, shapes):
    """``factors`` with inf/-inf/NaN put at a few (update, parameter,
    element) places, more often early on, where the scale is still clamped
    at 1."""
    steps = len(factors)
    where = st.tuples(st.one_of(st.integers(0, min(2, steps - 1)), st.integers(0, steps - 1)),
                      st.sampled_from(PATHS))
    for step, path in draw(st.lists(where, max_size=4)):
        size = int(numpy.prod(shapes[path], dtype=int))
        flat = factors[step][path].reshape(-1)
        flat[draw(st.integers(0, size - 1))] = draw(st.sampled_from(NON_FINITE))
    return factors


@st.composite
def schedule_scenarios(draw, configure=None, max_steps=24, reconfigure=False):
    """Up to ``max_steps`` updates (enough for a scale that doubles from 1 to
    reach the clamp at 65504) configured by a draw of ``configure`` (default:
    dynamic); with ``reconfigure``, loss-scaling calls between updates too."""
    dtype = draw(st.sampled_from(optim.DTYPES))
    shapes = {'/a': draw(st.sampled_from(((2,), (1,)))),
              '/b': draw(st.sampled_from(optim.SHAPES))}
    steps = draw(st.sampled_from(range(max_steps, 0, -1)))      # favours long runs
    factors = draw(factor_steps(shapes, dtype, steps))
    # Most runs see few or no non-finite gradients, so that the scale can grow.
    if draw(st.integers(0, 3)):
        factors = draw(poisoned(factors, shapes))
    first = draw(configure if configure is not None else dynamic_calls())
    calls = [[first]] + [[] for _ in range(steps - 1)]
    if reconfigure and steps > 1:
        later = st.tuples(st.integers(1, steps - 1), st.one_of(dynamic_calls(), static_calls()))
        for step, call in draw(st.lists(later, min_size=1, max_size=3)):
            calls[step].append(call)
    return ScaleScheduleScenario(
        dtype=dtype, lr=draw(st.sampled_from((0.5, 0.125, 0.1))), shapes=shapes,
        init=draw(optim.initial_values(shapes, dtype)), factors=factors, calls=calls)


# ---------------------------------------------------------------- training runs

# How a static scale is set: on the optimizer, or by the updater that drives it.
HOW = ('loss_scaling', 'set_loss_scale', 'StandardUpdater')
LINEAR_SHAPES = {'/W': (2, 3), '/b': (2,)}


@dataclasses.dataclass
class ScaledTrainingScenario:
    """Updates of a linear layer by ``optimizer`` on mean squared error over
    ``batches`` of ``(x, t)``; ``scale`` is set the ``how`` way (``None``:
    no loss scaling, updates by ``optimizer.update(lossfun, x, t)``)."""
    dtype: str
    optimizer: str
    hyper: dict
    init: dict
    batches: list       # [(x (n, 3), t (n, 2)), ...]
    scale: float = None
    how: str = 'loss_scaling'
    optimizer_hooks: tuple = ()
    rule_hooks: dict = dataclasses.field(default_factory=dict)

    @property
    def tree(self):
        return optim.Node('Link', tuple((path[1:], s) for path, s in LINEAR_SHAPES.items()))

    def unscaled(self, **changes):
        return dataclasses.replace(self, scale=None, how='loss_scaling', **changes)


def powers_of_two():
    # 2**-3 .. 2**10: with values of magnitude 2**-6 .. 16 nothing scaled
    # over- or underflows float32, so scaling commutes with every rounding.
    return st.sampled_from([2.0 ** k for k in range(-3, 11)])


@st.composite
def training_scenarios(draw, optimizers=optim.OPTIMIZERS, how=HOW, max_steps=4):
    """A linear layer trained for a few batches with a power-of-two static scale."""
    dtype = draw(st.sampled_from(('float32', 'float64')))   # no float16 subnormals
    optimizer = draw(st.sampled_from(optimizers))
    steps = draw(st.integers(1, max_steps))
    n = draw(st.integers(1, 2))
    values = optim.arrays((steps, n, 5), dtype, *optim.GRAD_MAGNITUDE[dtype])
    batches = [(row[:, :3].copy(), row[:, 3:].copy()) for row in draw(values)]
    return ScaledTrainingScenario(
        dtype=dtype, optimizer=optimizer,
        hyper=draw(optim.hyperparameters(optimizer, dtype)),
        init=draw(optim.initial_values(LINEAR_SHAPES, dtype)),
        batches=batches, scale=draw(powers_of_two()), how=draw(st.sampled_from(how)))


def weight_decays():
    return st.floats(1e-3, 0.5).map(lambda rate: optim.Hook('WeightDecay', (rate,)))


@st.composite
def weight_decay_scenarios(draw):
    """A scaled training run with WeightDecay on the optimizer, on some
    rules, or both."""
    scenario = draw(training_scenarios(optimizers=('SGD', 'MomentumSGD', 'Adam')))
    on_optimizer = draw(st.booleans())
    rules = draw(st.sets(st.sampled_from(tuple(LINEAR_SHAPES)), min_size=0 if on_optimizer else 1))
    scenario.optimizer_hooks = (draw(weight_decays()),) if on_optimizer else ()
    scenario.rule_hooks = {path: (draw(weight_decays()),) for path in sorted(rules)}
    return scenario
