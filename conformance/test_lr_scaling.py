"""lr-scaling: a hyperparameter set on one update rule acts on that
parameter alone, exactly as an optimizer built with that value would.
"""
import numpy
import pytest
from hypothesis import given, strategies as st

from conformance.diff import assert_same
from conformance.runners import optim as runner
from conformance.spec import rule
from conformance.strategies import optim as strategies
from conformance.strategies.hyperparameters import (
    LEARNING_RATE, overridden_scenarios, scaled_pairs)

FAMILY = 'lr-scaling'


@rule(FAMILY, source='chainer/optimizer.py:Hyperparameter@v7.8.1; chainer/optimizers/*.py:update_core_cpu@v7.8.1 (SEMANTICS E2, G)')
@pytest.mark.parametrize('optimizer', sorted(LEARNING_RATE))
@given(data=st.data())
def test_a_power_of_two_rule_learning_rate_scales_the_trajectory_exactly(
        out_dir, ns, optimizer, data):
    """From zero, every built-in step is linear in the learning rate (``lr``,
    or Adam's ``alpha``), and scaling by a power of two commutes with
    rounding: a rule whose rate is 2**k times the optimizer's follows 2**k
    times the trajectory, bit for bit."""
    factor, scenario = data.draw(scaled_pairs(optimizer))
    trace = runner.run_updates(ns, scenario)
    for k, snap in enumerate(trace.steps, start=1):
        base, scaled = snap.params['/base'], snap.params['/scaled']
        assert_same(scaled, numpy.array(base * factor, dtype=base.dtype),
                    f'/scaled after update {k} (rule rate x {factor}) vs. {factor} x /base')


@rule(FAMILY, source='chainer/optimizer.py:Hyperparameter, UpdateRule@v7.8.1 (SEMANTICS E2)')
@pytest.mark.parametrize('optimizer', strategies.OPTIMIZERS)
@given(data=st.data())
def test_a_rule_hyperparameter_acts_as_an_optimizer_built_with_it(out_dir, ns, optimizer, data):
    """Hyperparameters set on some rules after setup (any of the optimizer's,
    e.g. ``lr``, ``momentum``, Adam's ``alpha``, ``eps``, ``amsgrad``): each
    parameter follows, bit for bit, its trajectory alone under an optimizer
    constructed with its rule's values, and the other rules are unaffected."""
    scenario = data.draw(overridden_scenarios(optimizer))
    trace = runner.run_updates(ns, scenario)
    for path in scenario.init:
        own = scenario.overrides.get(path, {})
        alone = runner.run_updates(ns, strategies.alone(
            scenario, path, hyper={**scenario.hyper, **own}))
        for k, (snap, reference) in enumerate(zip(trace.steps, alone.steps), start=1):
            assert_same(runner.param_view(snap, path), runner.param_view(reference, '/p'),
                        f'{path} (rule values {own}) after update {k} vs. alone under '
                        f'{scenario.optimizer}(**{ {**scenario.hyper, **own} })')
