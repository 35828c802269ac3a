"""Scenarios of the optimizer-hooks family: recording hooks on the optimizer
and on rules, the built-in hooks on SGD updates, and rules with hooks
updated without a gradient (plain data, played by ``runners/optim.py``).
"""
import dataclasses
import functools

import numpy
from hypothesis import strategies as st

from conformance.strategies.frozen import freeze_actions, frozen_scenarios, switching
from conformance.strategies.optim import (
    Hook, Recorder, hyperparameters, link_trees, param_hooks, unique_hooks, update_scenarios)


@st.composite
def recorders(draw, names, per_param, attributes=(None, 'pre', 'post'),
              timings=('pre', 'post', 'auto'), min_size=0):
    """Recorders with distinct names, in registration order."""
    chosen = draw(st.lists(st.sampled_from(names), unique=True, min_size=min_size,
                           max_size=len(names)))
    return tuple(Recorder(name, draw(per_param), draw(st.sampled_from(timings)),
                          draw(st.sampled_from(attributes)), draw(st.booleans()))
                 for name in chosen)


@st.composite
def hook_order_scenarios(draw):
    """Recording hooks on the optimizer (whole or per parameter) and on some
    rules, over a tree that may hold an uninitialized parameter, with rules
    switched off and on between updates."""
    tree = draw(link_trees(max_params=3))
    if draw(st.booleans()):
        tree = dataclasses.replace(tree, params=tree.params + (('u', None),))
    scenario = draw(update_scenarios(optimizers=('SGD',), trees=st.just(tree), max_steps=3))
    scenario.actions = draw(switching(tree, scenario.steps))
    optimizer_recorders = draw(recorders(('A', 'B', 'C', 'D'), st.booleans()))
    paths = tree.param_paths()
    rule_recorders = draw(st.dictionaries(
        st.sampled_from(paths), recorders(('r1', 'r2', 'r3'), st.just(False), min_size=1),
        min_size=1, max_size=len(paths)))
    return scenario, optimizer_recorders, rule_recorders


@st.composite
def gradientless_scenarios(draw):
    """Parameters (some uninitialized, maybe some frozen right after setup)
    whose rules carry one to three per-parameter hooks each, updated
    directly through ``param.update()`` with no gradient."""
    scenario = draw(update_scenarios(max_steps=3))
    some = gradientless_hooks().filter(bool)
    scenario.rule_hooks = draw(st.fixed_dictionaries(
        {path: some for path in scenario.tree.param_paths()}))
    scenario.actions[0] = draw(st.lists(freeze_actions(scenario.tree), max_size=1))
    return scenario


@functools.lru_cache(maxsize=None)
def gradientless_hooks():
    """Up to three per-parameter hooks of distinct kinds: those of
    ``unique_hooks``, GradientLARS and GradientNoise (with its default,
    random noise: without a gradient it is never drawn); built once."""
    return st.lists(st.one_of(
        param_hooks(),
        st.builds(Hook, st.just('GradientLARS'), lars_arguments('float32')),
        st.builds(Hook, st.just('GradientNoise'), st.tuples(st.floats(0.01, 1.0)))),
        max_size=3, unique_by=lambda h: h.kind).map(tuple)


@st.composite
def hook_scenarios(draw, optimizer_hooks, rule_hooks):
    """SGD over a few updates with hooks and parameters frozen after setup."""
    scenario = draw(frozen_scenarios(hooks=False))
    scenario = dataclasses.replace(scenario, optimizer='SGD',
                                   hyper=draw(hyperparameters('SGD')))
    scenario.actions[0] = draw(st.lists(freeze_actions(scenario.tree), max_size=2))
    if optimizer_hooks:
        scenario.optimizer_hooks = draw(unique_hooks(3).filter(bool))
    if rule_hooks:
        paths = list(scenario.init)
        scenario.rule_hooks = draw(st.dictionaries(
            st.sampled_from(paths), unique_hooks(3).filter(bool),
            min_size=1, max_size=len(paths)))
    return scenario


@st.composite
def clipping_scenarios(draw):
    """One SGD update under GradientClipping whose threshold is clearly above
    or below the norm of all gradients together; some parameters frozen, and
    maybe one uninitialized."""
    scenario = draw(hook_scenarios(optimizer_hooks=False, rule_hooks=False))
    scenario = dataclasses.replace(scenario, grads=scenario.grads[:1],
                                   actions=scenario.actions[:1], changes=None)
    if draw(st.booleans()):
        scenario.tree = dataclasses.replace(
            scenario.tree, params=scenario.tree.params + (('u', None),))
    norm = numpy.sqrt(sum(numpy.sum(numpy.square(g, dtype=numpy.float64))
                          for g in scenario.grads[0].values() if g is not None))
    ratio = draw(st.one_of(st.floats(0.1, 0.8), st.floats(1.25, 4.0)), label='threshold / norm')
    scenario.optimizer_hooks = (Hook('GradientClipping', (ratio * (norm or 1.0),)),)
    return scenario


@st.composite
def invalid_timing_scenarios(draw):
    """Recorders on the optimizer and on rules whose ``timing`` attribute may be
    neither 'pre' nor 'post', registered with ``timing='auto'``."""
    scenario, _, _ = draw(hook_order_scenarios())
    paths = scenario.tree.param_paths()
    attributes, auto = ('bogus', 'pre', 'post', None), ('auto',)
    optimizer_recorders = draw(recorders(('A', 'B'), st.booleans(), attributes, auto))
    rule_recorders = draw(st.dictionaries(
        st.sampled_from(paths),
        recorders(('r1', 'r2', 'r3'), st.just(False), attributes, auto, min_size=1),
        min_size=1, max_size=len(paths)))
    return scenario, optimizer_recorders, rule_recorders


@st.composite
def placed_hook_scenarios(draw):
    """SGD updates with rules switched off and on between them, and where a
    per-parameter hook goes: ``(scenario, on_optimizer, rule_paths)``; at
    least one place is chosen."""
    scenario = draw(update_scenarios(optimizers=('SGD',), max_steps=3))
    scenario.actions = draw(switching(scenario.tree, scenario.steps))
    paths = list(scenario.init)
    rule_paths = tuple(draw(st.lists(st.sampled_from(paths), unique=True, max_size=len(paths))))
    on_optimizer = draw(st.booleans()) if rule_paths else True
    return scenario, on_optimizer, rule_paths


LARS_DEFAULTS = (1e-2, 0.0, 1e-9)   # GradientLARS(threshold, weight_decay, eps)


@functools.lru_cache(maxsize=None)
def lars_arguments(dtype):
    """``(threshold, weight_decay, eps)`` of a GradientLARS: a threshold of 0
    (every parameter rescaled), above every value drawn (none), or between;
    the trailing ones may be left to their defaults (``LARS_DEFAULTS``),
    except in float16, where the default eps vanishes next to a norm."""
    eps = st.floats(1e-4, 1e-2) if dtype == 'float16' else st.floats(1e-9, 1e-2)
    given = st.tuples(st.one_of(st.just(0.0), st.just(1e-2), st.floats(0.05, 4.0), st.just(1e3)),
                      st.one_of(st.just(0.0), st.floats(1e-4, 0.5)), eps)
    if dtype == 'float16':
        return given
    return st.tuples(given, st.integers(0, 3)).map(lambda pair: pair[0][:pair[1]])
