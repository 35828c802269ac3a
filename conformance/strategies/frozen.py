"""Scenarios of the update-rule families with parameters frozen: by
``disable_update()`` on a link or ``enabled = False`` on a rule, right after
setup or switched off and on between updates (plain data, played by
``runners/optim.py``).
"""
import numpy
from hypothesis import strategies as st

from conformance.models.update_rules import ADABOUND
from conformance.strategies.optim import Hook, params_under, update_scenarios


def freeze_actions(tree):
    """One action that stops updates: ``disable_update()`` on a link or
    ``update_rule.enabled = False`` on a parameter."""
    return st.one_of(
        st.tuples(st.just('disable_update'), st.sampled_from(tree.link_paths())),
        st.tuples(st.just('rule_off'), st.sampled_from(tree.param_paths())))


def parents_of_params(tree):
    """Links with parameters further down their hierarchy than their own."""
    params = tree.param_paths()
    return [link for link in tree.link_paths()
            if any(p.count('/') > link.count('/') + 1 for p in params_under(link, params))]


def eps_kept_in_float16(scenario):
    """Whether the scenario's ``eps`` survives a cast to float16 where its
    parameters are float16.  Chainer before 6 ran Adam in float16 and refused
    an eps that rounds to 0 there (chainer#6442 moved it to float32): the
    update-formulas family's rule, kept out of the families that only need
    some optimizer to update."""
    return scenario.dtype != 'float16' or numpy.float16(scenario.hyper.get('eps', 1.0)) != 0


@st.composite
def frozen_scenarios(draw, max_steps=4, hooks=True, exclude=ADABOUND):
    """Updates with some parameters frozen right after setup, by
    ``disable_update()`` on a link or ``enabled = False`` on a rule (AdaBound,
    an optional feature of Adam, is the update-formulas family's)."""
    scenario = draw(update_scenarios(max_steps=max_steps, hooks=hooks, exclude=exclude)
                    .filter(eps_kept_in_float16))
    parents = parents_of_params(scenario.tree)
    # Most scenarios freeze a whole hierarchy through a parent link, if any.
    first = (st.tuples(st.just('disable_update'), st.sampled_from(parents)) if parents
             else freeze_actions(scenario.tree))
    scenario.actions[0] = [draw(first)] + draw(
        st.lists(freeze_actions(scenario.tree), max_size=2))
    return scenario


def _switch(target, on):
    kind, path = target
    if kind == 'link':
        return ('enable_update' if on else 'disable_update', path)
    return ('rule_on' if on else 'rule_off', path)


@st.composite
def switching(draw, tree, steps):
    """Actions before each of ``steps`` updates that switch rules off and on:
    one or two links (holding parameters) or rules are picked; each stays on
    for the first update, then is switched to a random state before every
    other update (an action only where the state changes)."""
    params = tree.param_paths()
    links = [link for link in tree.link_paths() if params_under(link, params)]
    targets = st.one_of(st.tuples(st.just('link'), st.sampled_from(links)),
                        st.tuples(st.just('param'), st.sampled_from(params)))
    actions = [[] for _ in range(steps)]
    for target in draw(st.lists(targets, min_size=1, max_size=2, unique=True)):
        states = [True] + draw(st.lists(st.booleans(), min_size=steps - 1, max_size=steps - 1))
        for k, (was, on) in enumerate(zip([True] + states, states)):
            if on != was:
                actions[k].append(_switch(target, on))
    return actions


@st.composite
def toggling_scenarios(draw, max_steps=5):
    """Updates where rules are switched off and on between updates."""
    scenario = draw(update_scenarios(min_steps=3, max_steps=max_steps, hooks=True,
                                     exclude=ADABOUND).filter(eps_kept_in_float16))
    scenario.actions = draw(switching(scenario.tree, scenario.steps))
    return scenario


@st.composite
def frozen_clipping_scenarios(draw):
    """Frozen parameters under GradientClipping with a threshold below every
    update's gradient norm, so that every update clips."""
    scenario = draw(frozen_scenarios(hooks=False))
    norms = [numpy.sqrt(sum(float(numpy.sum(numpy.square(g, dtype=numpy.float64)))
                            for g in step.values() if g is not None))
             for step in scenario.grads]
    positive = [n for n in norms if n > 0] or [1.0]
    ratio = draw(st.floats(0.1, 0.8), label='threshold / smallest norm')
    scenario.optimizer_hooks = (Hook('GradientClipping', (ratio * min(positive),)),)
    return scenario
