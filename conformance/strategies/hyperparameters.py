"""Scenarios of the hyperparameter families (hyperparameters, lr-scaling):
sets and deletes of optimizer and rule hyperparameters, values set on
rules after setup, optimizer values changed between updates (plain data,
played by ``runners/optim.py``).

Two pairs look alike on purpose, each drawing what its property needs
(merging them would change what a seed draws): ``hyperparameter_ops`` (up
to 8 operations) deletes a value picked among those the rule set, and
``mixed_hyperparameter_ops`` (the differential family, up to 6) deletes
the drawn value only if the rule set it; ``scheduled_scenarios`` leaves
``amsgrad`` out of the constructor and the rule values, and
``scheduled_updates`` (the differential family) keeps it and may use
``use_fp32_update``.
"""
import functools

import numpy
from hypothesis import strategies as st

from conformance.models import update_rules
from conformance.strategies.frozen import eps_kept_in_float16
from conformance.strategies.optim import (
    SHAPES, Node, UpdateScenario, gradient_steps, hyper_value, hyperparameters,
    update_scenarios)

# The hyperparameter each optimizer scales its step with.
LEARNING_RATE = {'SGD': 'lr', 'MomentumSGD': 'lr', 'NesterovAG': 'lr',
                 'AdaGrad': 'lr', 'RMSprop': 'lr', 'Adam': 'alpha',
                 'CorrectedMomentumSGD': 'lr', 'MSVAG': 'lr', 'RMSpropGraves': 'lr'}
# SMORMS3's step is g * min(x, lr) / ..., not linear in lr.

# Hyperparameters a rule reads when it is built, so that setting them on the
# rule afterwards is not the same as building the optimizer with them: MSVAG
# starts its beta_power at the beta of its parent (SEMANTICS G13).
READ_AT_BUILD = {'MSVAG': ('beta',)}


def overrides(scenario, exclude=update_rules.ADABOUND):
    """Per-rule hyperparameters for a random subset of the parameters."""
    paths = list(scenario.init)
    return _overrides(scenario.optimizer, scenario.dtype, tuple(exclude), len(paths)).map(
        lambda chosen: {paths[i]: values for i, values in chosen.items()})


@functools.lru_cache(maxsize=None)
def _overrides(optimizer, dtype, exclude, count):
    """``overrides`` keyed by parameter index: the choices a dictionary
    keyed by ``sampled_from(paths)`` makes, built once per count."""
    names = [n for n in update_rules.DEFAULTS[optimizer] if n not in exclude
             and n not in READ_AT_BUILD.get(optimizer, ())]
    values = {n: hyper_value(optimizer, n, dtype) for n in names}
    if dtype == 'float16' and 'eps' in values:   # see eps_kept_in_float16
        values['eps'] = values['eps'].filter(lambda eps: numpy.float16(eps) != 0)
    return st.dictionaries(
        st.sampled_from(tuple(range(count))),
        st.fixed_dictionaries({}, optional=values).filter(bool),
        max_size=count)


@st.composite
def hyperparameter_ops(draw):
    """A scenario and a sequence of sets and deletes of hyperparameters on
    the optimizer and on rules; a delete only removes a value the rule set."""
    scenario = draw(update_scenarios(max_steps=1, exclude=update_rules.ADABOUND))
    names = list(update_rules.core_defaults(scenario.optimizer))
    paths = list(scenario.init)

    def value(name):
        return hyper_value(scenario.optimizer, name, scenario.dtype)
    ops, own = [], {path: set() for path in paths}
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(('optimizer', 'rule', 'del')))
        name = draw(st.sampled_from(names))
        path = draw(st.sampled_from(paths))
        if kind == 'optimizer':
            ops.append(('optimizer', name, draw(value(name))))
        elif kind == 'rule':
            ops.append(('rule', path, name, draw(value(name))))
            own[path].add(name)
        elif own[path]:
            name = draw(st.sampled_from(sorted(own[path])))
            ops.append(('del', path, name))
            own[path].discard(name)
    return scenario, ops


@st.composite
def mixed_hyperparameter_ops(draw):
    """Sets of optimizer and rule hyperparameters, and deletes of a value a
    rule set (see ``run_hyperparameter_ops``)."""
    scenario = draw(update_scenarios(max_steps=1, exclude=update_rules.ADABOUND))
    names = list(update_rules.core_defaults(scenario.optimizer))
    ops, owned = [], set()
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(('optimizer', 'rule', 'del')))
        name, path = draw(st.sampled_from(names)), draw(st.sampled_from(list(scenario.init)))
        value = hyper_value(scenario.optimizer, name, scenario.dtype)
        if kind == 'optimizer':
            ops.append(('optimizer', name, draw(value)))
        elif kind == 'rule':
            ops.append(('rule', path, name, draw(value)))
            owned.add((path, name))
        elif (path, name) in owned:
            ops.append(('del', path, name))
            owned.discard((path, name))
    return scenario, ops


def optimizer_changes(scenario):
    """Optimizer attributes assigned before each update of ``scenario``: a
    random subset of its hyperparameters (but AdaBound's and ``amsgrad``)."""
    names = [n for n in update_rules.core_defaults(scenario.optimizer) if n != 'amsgrad']
    values = {n: hyper_value(scenario.optimizer, n, scenario.dtype) for n in names}
    return st.lists(st.fixed_dictionaries({}, optional=values),
                    min_size=scenario.steps, max_size=scenario.steps)


@st.composite
def scheduled_scenarios(draw):
    """Rule overrides at setup, then optimizer values changed between updates."""
    scenario = draw(update_scenarios(hooks=True, exclude=update_rules.ADABOUND + ('amsgrad',))
                    .filter(eps_kept_in_float16))
    scenario.overrides = draw(overrides(scenario, exclude=update_rules.ADABOUND + ('amsgrad',)))
    scenario.changes = draw(optimizer_changes(scenario))
    return scenario


@st.composite
def scheduled_updates(draw):
    """Updates with hooks, per-rule values set after setup and optimizer
    values changed between updates."""
    scenario = draw(update_scenarios(hooks=True, fp32=True, exclude=update_rules.ADABOUND)
                    .filter(eps_kept_in_float16))
    scenario.overrides = draw(overrides(scenario))
    scenario.changes = draw(optimizer_changes(scenario))
    return scenario


@st.composite
def scaled_pairs(draw, optimizer):
    """Two parameters starting at zero and fed the same gradients; the rule
    of ``/scaled`` has its learning rate multiplied by a power of two."""
    dtype = draw(st.sampled_from(('float32', 'float64')))   # no float16 subnormals
    shape = draw(st.sampled_from(SHAPES))
    steps = draw(st.integers(1, 5))
    grads = draw(gradient_steps({'/g': shape}, dtype, steps))
    hyper = draw(hyperparameters(optimizer, dtype))
    name = LEARNING_RATE[optimizer]
    base = {**update_rules.DEFAULTS[optimizer], **hyper}[name]
    factor = 2.0 ** draw(st.sampled_from((1, -1, 2, -2, 3, -3)), label='log2 factor')
    zeros = numpy.zeros(shape, dtype)
    return factor, UpdateScenario(
        tree=Node('Link', (('base', shape), ('scaled', shape))),
        dtype=dtype, optimizer=optimizer, hyper=hyper,
        init={'/base': zeros, '/scaled': zeros},
        grads=[{'/base': g['/g'], '/scaled': g['/g']} for g in grads],
        overrides={'/scaled': {name: base * factor}})


@functools.lru_cache(maxsize=None)
def overridden_scenarios(optimizer):
    """Updates by ``optimizer`` with hooks and hyperparameters set on some
    rules after setup (built once per optimizer)."""
    return _overridden_scenarios(update_scenarios(
        optimizers=(optimizer,), hooks=True, exclude=update_rules.ADABOUND)
        .filter(eps_kept_in_float16))


@st.composite
def _overridden_scenarios(draw, scenarios):
    scenario = draw(scenarios)
    scenario.overrides = draw(overrides(scenario))
    return scenario
