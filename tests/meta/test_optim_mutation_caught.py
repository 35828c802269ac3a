"""Bug classes that mutation testing of the optimizer modules revealed: the
update-rule families catch them, and pass on the unbroken reference.

Each broken namespace in ``tests/broken`` breaks one rule; the properties
that pin that rule must fail on it.
"""
import pytest

from tests.meta.suite_runner import assert_caught, run_suite

HOOKS = 'test_optimizer_hooks.py'
FORMULAS = 'test_update_formulas.py'
GRADIENTLESS = 'test_rule_hooks_leave_a_parameter_without_a_gradient_alone'

#: broken namespace -> (file, properties that must fail on it)
CAUGHT = {
    'optim_weight_decay_assumes_a_gradient': (HOOKS, {GRADIENTLESS}),
    'optim_gradientless_update_not_counted': (HOOKS, {GRADIENTLESS}),
    'optim_adam_eps_unchecked': (FORMULAS, {
        'test_an_eps_that_rounds_to_zero_is_rejected_before_the_step[Adam]'}),
}


@pytest.mark.parametrize('broken', sorted(CAUGHT))
def test_broken_namespace_is_caught(pytester, broken):
    assert_caught(pytester, broken, *CAUGHT[broken])


def test_the_new_properties_pass_on_the_reference(pytester):
    selection = {f'{file}::{name}' for file, names in CAUGHT.values() for name in names}
    result = run_suite(pytester, 'reference', *sorted(selection))
    assert result.ret == 0, '\n'.join(result.outlines[-40:])
