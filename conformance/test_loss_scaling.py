"""loss-scaling: the backward pass multiplies the loss's gradient by the
optimizer's loss scale and every update rule divides the gradient by it again
before its hooks and its step; a dynamic scale halves and skips the update
when a gradient is not finite, and grows otherwise.

The schedule model (``conformance/models/loss_scaling.py``) replays
Chainer's arithmetic on the host with the same NumPy operations
(``chainer/optimizer.py:Optimizer.loss_scaling, check_nan_in_grads,
update_loss_scale, GradientMethod.update, UpdateRule.update@v7.8.1``), so
the traces are compared bit for bit.
"""
import dataclasses

import numpy
import pytest
from hypothesis import given

from conformance import harness
from conformance.diff import bitwise_difference
from conformance.models.loss_scaling import predict_schedule
from conformance.runners import loss_scaling as runner
from conformance.runners import optim as optim_runner
from conformance.spec import rule
from conformance.strategies import loss_scaling as strategies
from conformance.strategies import optim as optim_strategies

FAMILY = 'loss-scaling'
SOURCE = ('chainer/optimizer.py:Optimizer.loss_scaling, check_nan_in_grads, update_loss_scale, '
          'GradientMethod.update@v7.8.1 (SEMANTICS E4, E10)')


# ---------------------------------------------------------------- the schedule

def describe(scenario):
    calls = {k: c for k, c in enumerate(scenario.calls) if c}
    bad = [k for k, f in enumerate(scenario.factors)
           if not all(numpy.isfinite(v).all() for v in f.values())]
    return (f'{scenario.dtype} SGD(lr={scenario.lr}), {scenario.steps} updates, '
            f'calls before update {calls}, inf/NaN factors at updates {bad}')


def assert_schedule(scenario, actual, keys):
    with numpy.errstate(over='ignore', invalid='ignore'):   # inf and NaN on purpose
        expected, scales = predict_schedule(scenario)
    for k, (got, want) in enumerate(zip(actual, expected), start=1):
        diff = bitwise_difference(
            {key: got[key] for key in keys}, {key: want[key] for key in keys}, f'update {k}')
        if diff is not None:
            raise AssertionError(
                f'{describe(scenario)}\nexpected loss scales per update: {scales[:k]}\n'
                f'first difference: {diff}')


SCHEDULE = ('seen', 'grads', 'params', 'rule_t', 'optimizer_t')


# ---------------------------------------------------------------- dynamic scaling

@rule(FAMILY, source=SOURCE)
@given(scenario=strategies.schedule_scenarios())
def test_dynamic_loss_scale_halves_and_skips_on_non_finite_gradients_and_grows_otherwise(
        out_dir, ns, scenario):
    """``loss_scaling(interval)`` (default 1000) starts the scale at 1.0.  Each
    update backpropagates the loss times the scale; if any gradient is then
    inf or NaN, no parameter is updated (no rule runs, so gradients stay
    scaled and rule ``t`` stays put, while ``optimizer.t`` still counts) and
    the scale halves; otherwise every rule divides its gradient by the scale
    and steps, and the scale doubles until a non-finite gradient has been
    seen, then grows by 2**(1/interval).  The scale is clamped to
    [1, 65504]."""
    assert_schedule(scenario, runner.run_schedule(ns, scenario), SCHEDULE)


@rule(FAMILY, source='chainer/optimizer.py:Optimizer.check_nan_in_grads, GradientMethod.update'
                     '@v7.8.1 (SEMANTICS E10)')
@given(scenario=strategies.schedule_scenarios(configure=strategies.static_calls(), max_steps=6))
def test_a_static_loss_scale_never_changes_and_never_skips_an_update(out_dir, ns, scenario):
    """``loss_scaling(scale=s)`` or ``set_loss_scale(s)`` fixes the scale: the
    check for non-finite gradients is for dynamic scaling only, so every
    update divides by ``s`` and steps, non-finite gradients included."""
    assert_schedule(scenario, runner.run_schedule(ns, scenario), SCHEDULE)


@rule(FAMILY, level='quirk', source='chainer/optimizer.py:Optimizer.check_nan_in_grads@v7.8.1')
@given(scenario=strategies.schedule_scenarios())
def test_each_non_finite_gradient_is_reported_in_a_warning(out_dir, ns, scenario):
    """With dynamic scaling, an update finding non-finite gradients issues one
    UserWarning per such parameter, in ``namedparams`` order:
    ``Non finite number found in param.grad of <path> (iteration: <t>,
    loss_scale: <scale>)`` with ``optimizer.t`` before the update and the
    scale as Python prints it (an int once clamped); nothing else is
    warned."""
    assert_schedule(scenario, runner.run_schedule(ns, scenario), ('warnings',))


@rule(FAMILY, level='quirk', source='chainer/optimizer.py:Optimizer.loss_scaling@v7.8.1')
@given(scenario=strategies.schedule_scenarios(max_steps=12, reconfigure=True))
def test_loss_scaling_again_restarts_and_a_static_scale_overrides_a_dynamic_one(
        out_dir, ns, scenario):
    """Calling ``loss_scaling(interval)`` again restarts dynamic scaling at 1.0
    and forgets the non-finite gradients seen; a static scale set on a
    dynamic optimizer (``set_loss_scale(s)``) only replaces the current
    scale: the scale stays dynamic and keeps growing or halving from ``s``."""
    assert_schedule(scenario, runner.run_schedule(ns, scenario), SCHEDULE + ('warnings',))


# ---------------------------------------------------------------- static scaling

STATIC_SOURCE = ('chainer/optimizer.py:Optimizer.loss_scaling, UpdateRule.update@v7.8.1; '
                 'chainer/variable.py:Variable.backward@v7.8.1; chainer/training/updaters/'
                 'standard_updater.py:StandardUpdater@v7.8.1 (SEMANTICS D, E10, F2)')


def assert_scaled_like_unscaled(scenario, scaled, unscaled, what):
    """``scaled`` saw the gradients of ``unscaled`` times the scale, and then
    followed it bit for bit."""
    s = scenario.scale
    for k, (got, want) in enumerate(zip(scaled['steps'], unscaled['steps']), start=1):
        want = {**want, 'seen': {path: numpy.array(g * s, dtype=g.dtype)
                                 for path, g in want['seen'].items()}}
        diff = bitwise_difference(got, want, f'update {k}')
        if diff is not None:
            raise AssertionError(
                f'{scenario.dtype} {scenario.optimizer}(**{scenario.hyper}), loss scale {s} '
                f'set by {scenario.how}, hooks {scenario.optimizer_hooks} / '
                f'{scenario.rule_hooks}, vs. {what}\nfirst difference: {diff}')


@rule(FAMILY, source=STATIC_SOURCE)
@given(scenario=strategies.training_scenarios())
def test_a_power_of_two_static_loss_scale_leaves_the_trajectory_bit_identical(
        out_dir, ns, scenario):
    """A static loss scale ``s`` (``loss_scaling(scale=s)``,
    ``set_loss_scale(s)`` or ``StandardUpdater(..., loss_scale=s)``, which
    also keeps it as ``loss_scale``) makes backward produce ``s`` times the
    gradients, and each rule divides them by ``s`` before its step.  For a
    power of two, scaling commutes with every rounding (away from over- and
    underflow), so any optimizer follows the unscaled trajectory bit for
    bit."""
    scaled = runner.run_training(ns, scenario)
    assert scaled.pop('updater.loss_scale', scenario.scale) == scenario.scale, (
        f'StandardUpdater(loss_scale={scenario.scale}).loss_scale is not the scale')
    assert_scaled_like_unscaled(scenario, scaled, runner.run_training(ns, scenario.unscaled()),
                                'the same run without loss scaling')


@rule(FAMILY, level='quirk', source='chainer/optimizer_hooks/weight_decay.py:WeightDecay.__call__'
                                   '@v7.8.1 (SEMANTICS F10, chainer#7597)')
@given(scenario=strategies.weight_decay_scenarios())
def test_weight_decay_multiplies_its_rate_by_the_loss_scale(out_dir, ns, scenario):
    """WeightDecay adds ``rate * loss_scale * p`` to the gradient.  On the
    optimizer it runs before the rule unscales, so a power-of-two scale
    leaves the unscaled trajectory intact; on a rule it runs after, so it
    decays like ``WeightDecay(rate * loss_scale)`` without loss scaling."""
    scaled = runner.run_training(ns, scenario)
    scaled.pop('updater.loss_scale', None)
    s = scenario.scale
    stronger = {path: tuple(dataclasses.replace(h, args=(h.args[0] * s,)) for h in hooks)
                for path, hooks in scenario.rule_hooks.items()}
    unscaled = runner.run_training(ns, scenario.unscaled(rule_hooks=stronger))
    assert_scaled_like_unscaled(scenario, scaled, unscaled,
                                f'the run without loss scaling and rule hooks {stronger}')


# ---------------------------------------------------------------- misuse

BAD_SCALES = (0, 0.0, -1, -0.5)
BAD_INTERVALS = (0, -1)


def _optimizer(ns):
    link = optim_runner.Built(ns, optim_strategies.single_param_tree((2,)),
                              {'/p': numpy.ones(2, 'f')})
    return link, ns.optimizers.SGD().setup(link.root)


def _updater(ns, optimizer, scale):
    iterator = ns.iterators.SerialIterator([numpy.ones(2, 'f')], 1)
    return harness.call_with('training.updaters.StandardUpdater',
                             ns.training.updaters.StandardUpdater, iterator, optimizer,
                             loss_scale=scale)


def _method(optimizer, name):
    """``optimizer.<name>``; a missing one (Chainer 6's) is a lack."""
    return harness.attribute(optimizer, name, f'Optimizer.{name}')


def misuses(ns, optimizer):
    """``(call, argument, make)``: ``make(argument)`` is a call Chainer
    rejects with ValueError."""
    loss_scaling = _method(optimizer, 'loss_scaling')
    set_loss_scale = _method(optimizer, 'set_loss_scale')
    for scale in BAD_SCALES:
        yield f'loss_scaling(scale={scale!r})', scale, lambda s: loss_scaling(scale=s)
        yield f'set_loss_scale({scale!r})', scale, set_loss_scale
        yield (f'StandardUpdater(loss_scale={scale!r})', scale,
               lambda s: _updater(ns, optimizer, s))
    for interval in BAD_INTERVALS:
        yield (f'loss_scaling(interval={interval!r})', interval,
               lambda k: loss_scaling(interval=k))


@rule(FAMILY, source='chainer/optimizer.py:Optimizer.loss_scaling@v7.8.1 (SEMANTICS E10)')
def test_a_scale_not_above_zero_or_an_interval_below_one_raises_value_error(ns):
    """A static scale must be positive and a dynamic interval at least 1,
    else ValueError; the boundary values (interval 1, a tiny scale) are
    accepted."""
    _, optimizer = _optimizer(ns)
    for call, argument, make in misuses(ns, optimizer):
        with pytest.raises(ValueError):
            make(argument)
            pytest.fail(f'{call} did not raise ValueError')
    optimizer.loss_scaling(interval=1)
    optimizer.loss_scaling(scale=2.0 ** -30)
    optimizer.set_loss_scale(1e-300)
    _updater(ns, optimizer, 0.5)


@rule(FAMILY, level='quirk', source='chainer/optimizer.py:Optimizer.loss_scaling@v7.8.1')
def test_the_value_error_quotes_the_rejected_value_in_chainers_words(ns):
    """``loss_scale must be a positive number. Actual: <scale>`` and
    ``interval must be greater than or equal to 1. Actual: <interval>``; the
    interval is checked for dynamic scaling only, so a bad one given with a
    static scale is accepted."""
    _, optimizer = _optimizer(ns)
    _method(optimizer, 'loss_scaling')(interval=0, scale=4)
    for call, argument, make in misuses(ns, optimizer):
        expected = (f'interval must be greater than or equal to 1. Actual: {argument}'
                    if 'interval' in call else
                    f'loss_scale must be a positive number. Actual: {argument}')
        with pytest.raises(ValueError) as info:
            make(argument)
        assert str(info.value) == expected, f'{call}: {str(info.value)!r}, expected {expected!r}'
