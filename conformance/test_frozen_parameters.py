"""frozen-parameters: a disabled update rule leaves its parameter alone and
leaves every other parameter where it would have been without it.

Properties compare two runs of the implementation under test bitwise: the
scenario, and the same scenario with the frozen parameters removed (or each
parameter alone, fed only the updates it was enabled for).
"""
import dataclasses

import numpy
from hypothesis import given, strategies as st

from conformance import script_checks
from conformance.diff import assert_same
from conformance.models import update_rules
from conformance.runners import optim as runner
from conformance.spec import rule
from conformance.strategies import optim as strategies
from conformance.strategies.frozen import (
    frozen_clipping_scenarios, frozen_scenarios, toggling_scenarios)

FAMILY = 'frozen-parameters'


def expected_update_enabled(tree, enabled):
    """``Link.update_enabled``: some parameter in the hierarchy has an enabled rule."""
    params = tree.param_paths()
    return {link: any(enabled[p] for p in strategies.params_under(link, params))
            for link in tree.link_paths()}


@rule(FAMILY, source='chainer/optimizer.py:UpdateRule.update@v7.8.1; chainer/link.py:Link.disable_update@v7.8.1 (SEMANTICS F2, F8)',
      script=script_checks.check_frozen)
@given(scenario=frozen_scenarios())
def test_frozen_parameters_stay_bit_identical_and_the_rest_update_as_without_them(
        out_dir, ns, scenario):
    """A parameter frozen after setup (its rule's ``enabled = False``, or
    ``disable_update()`` on any link above it) is never changed and its rule
    keeps t = 0 and no state, whatever the optimizer and hooks; every other
    parameter ends bit for bit where it ends when the frozen ones are not in
    the link at all; ``update_enabled`` reports the frozen hierarchies."""
    masks = update_rules.enabled_masks(scenario)
    frozen = {path for path, mask in masks.items() if not mask[0]}
    trace = runner.run_updates(ns, scenario)
    pruned = runner.run_updates(ns, strategies.without(scenario, frozen))
    for k, (snap, reference) in enumerate(zip(trace.steps, pruned.steps), start=1):
        for path in sorted(frozen):
            assert_same({'param': snap.params[path], 't': snap.rule_t[path],
                         'state': snap.states[path]},
                        {'param': scenario.init[path], 't': 0, 'state': None},
                        f'frozen {path} after update {k}')
        for path in reference.params:
            assert_same(runner.param_view(snap, path), runner.param_view(reference, path),
                        f'{path} after update {k} (vs. the link without {sorted(frozen)})')
        assert snap.optimizer_t == k, f'optimizer.t after update {k}: {snap.optimizer_t}'
    enabled = {path: mask[0] for path, mask in masks.items()}
    assert_same(trace.final.update_enabled, expected_update_enabled(scenario.tree, enabled),
                'update_enabled by link path')


@rule(FAMILY, source='chainer/optimizer.py:UpdateRule.update@v7.8.1; chainer/link.py:Link.enable_update@v7.8.1 (SEMANTICS E9, F2, F8)')
@given(scenario=toggling_scenarios())
def test_each_parameter_moves_only_on_its_enabled_updates(out_dir, ns, scenario):
    """Rules switched off and on between updates (``disable_update`` /
    ``enable_update`` on links, ``enabled`` on rules): a parameter ends bit
    for bit where it ends alone under the same optimizer, fed only the
    gradients of the updates its rule was enabled for; its rule's t counts
    those updates while ``optimizer.t`` counts them all."""
    masks = update_rules.enabled_masks(scenario)
    trace = runner.run_updates(ns, scenario)
    for path, mask in masks.items():
        enabled_steps = [k for k, on in enumerate(mask) if on]
        alone = runner.run_updates(ns, strategies.alone(scenario, path, enabled_steps))
        assert_same(runner.param_view(trace.final, path) | {'grad': None},
                    runner.param_view(alone.final, '/p') | {'grad': None},
                    f'{path} (enabled for updates {[k + 1 for k in enabled_steps]}) '
                    f'vs. alone with those gradients')
        counts = [snap.rule_t[path] for snap in trace.steps]
        assert counts == list(numpy.cumsum(mask)), (
            f'{path}: rule t after each update {counts}, expected {list(numpy.cumsum(mask))} '
            f'(enabled {mask})')
    assert [s.optimizer_t for s in trace.steps] == list(range(1, scenario.steps + 1)), (
        f'optimizer.t after each update: {[s.optimizer_t for s in trace.steps]}')


@rule(FAMILY, level='quirk', source='chainer/optimizer.py:GradientMethod.setup@v7.8.1; chainer/link.py:Link.disable_update@v7.8.1 (SEMANTICS F8, E1)')
@given(scenario=strategies.update_scenarios(hooks=True, max_steps=3,
                                            exclude=update_rules.ADABOUND),
       data=st.data())
def test_disable_update_before_setup_has_no_effect(out_dir, ns, scenario, data):
    """``disable_update()`` before ``optimizer.setup`` finds no rules to
    disable (``update_enabled`` is False then), and ``setup`` gives every
    parameter a new, enabled rule: the run is bit for bit the run without it."""
    links = scenario.tree.link_paths()
    scenario.disabled_before_setup = tuple(data.draw(
        st.lists(st.sampled_from(links), min_size=1, max_size=2), label='disabled before setup'))
    built = runner.Built(ns, scenario.tree, scenario.init)
    before = {path: link.update_enabled for path, link in built.links.items()}
    assert before == dict.fromkeys(links, False), (
        f'update_enabled before setup: {before}, expected all False (no rules yet)')
    trace = runner.run_updates(ns, scenario)
    plain = runner.run_updates(ns, dataclasses.replace(scenario, disabled_before_setup=()))
    for k, (snap, reference) in enumerate(zip(trace.steps, plain.steps), start=1):
        for path in reference.params:
            assert_same(runner.param_view(snap, path), runner.param_view(reference, path),
                        f'{path} after update {k}')


@rule(FAMILY, source='chainer/optimizer_hooks/gradient_clipping.py:GradientClipping.__call__@v7.8.1 (SEMANTICS F9)')
@given(scenario=frozen_clipping_scenarios())
def test_gradient_clipping_norm_includes_frozen_parameters(out_dir, ns, scenario):
    """GradientClipping's norm is taken over every initialized parameter,
    frozen ones included, and it rescales their gradients too: the enabled
    parameters (and all gradients) end bit for bit as when nothing is frozen,
    while the frozen parameters do not move."""
    masks = update_rules.enabled_masks(scenario)
    frozen = {path for path, mask in masks.items() if not mask[0]}
    trace = runner.run_updates(ns, scenario)
    unfrozen = runner.run_updates(ns, dataclasses.replace(scenario, actions=None))
    for k, (snap, reference) in enumerate(zip(trace.steps, unfrozen.steps), start=1):
        for path in reference.params:
            if path in frozen:
                assert_same(snap.params[path], scenario.init[path],
                            f'frozen {path} after update {k}')
                assert_same(snap.grads[path], reference.grads[path],
                            f'grad of frozen {path} after update {k} (clipped as if enabled)')
            else:
                assert_same(runner.param_view(snap, path), runner.param_view(reference, path),
                            f'{path} after update {k} (vs. nothing frozen)')
