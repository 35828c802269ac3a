"""The loss-scaling family catches realistic breakages of the reference, and
passes on the unbroken reference.

Each broken namespace in ``tests/broken`` breaks one rule; the properties
that pin that rule must fail on it.
"""
import pytest

from tests.meta.suite_runner import assert_caught, run_suite

LOSS = 'test_loss_scaling.py'
DYNAMIC = 'test_dynamic_loss_scale_halves_and_skips_on_non_finite_gradients_and_grows_otherwise'

#: broken namespace -> (file, properties that must fail on it)
CAUGHT = {
    'lossscale_grad_not_unscaled': (LOSS, {
        DYNAMIC,
        'test_a_static_loss_scale_never_changes_and_never_skips_an_update',
        'test_a_power_of_two_static_loss_scale_leaves_the_trajectory_bit_identical'}),
    'lossscale_updates_despite_non_finite': (LOSS, {DYNAMIC}),
    'lossscale_no_clamp': (LOSS, {DYNAMIC}),
    'lossscale_always_doubles': (LOSS, {DYNAMIC}),
    'lossscale_weight_decay_ignores_scale': (LOSS, {
        'test_weight_decay_multiplies_its_rate_by_the_loss_scale'}),
}


@pytest.mark.parametrize('broken', sorted(CAUGHT))
def test_broken_namespace_is_caught(pytester, broken):
    assert_caught(pytester, broken, *CAUGHT[broken])


def test_loss_scaling_family_passes_on_the_reference(pytester):
    result = run_suite(pytester, 'reference', LOSS)
    assert result.ret == 0, '\n'.join(result.outlines[-40:])
