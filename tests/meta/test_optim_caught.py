"""The update-rule families (frozen parameters, lr scaling, hyperparameters,
update formulas, optimizer hooks) and the Link API the optimizers walk
catch realistic breakages of the reference, and pass on the unbroken
reference.

Each broken namespace in ``tests/broken`` breaks one rule; the properties
that pin that rule must fail on it.
"""
import pytest

from tests.meta.suite_runner import assert_caught, run_suite

FROZEN = 'test_frozen_parameters.py'
LR = 'test_lr_scaling.py'
HYPER = 'test_hyperparameters.py'
FORMULAS = 'test_update_formulas.py'
HOOKS = 'test_optimizer_hooks.py'
LINKS = 'test_links.py'

#: broken namespace -> (file, properties that must fail on it)
CAUGHT = {
    'frozen_disabled_rule_counts_t': (FROZEN, {
        'test_frozen_parameters_stay_bit_identical_and_the_rest_update_as_without_them',
        'test_each_parameter_moves_only_on_its_enabled_updates'}),
    'frozen_disable_update_own_params_only': (FROZEN, {
        'test_frozen_parameters_stay_bit_identical_and_the_rest_update_as_without_them',
        'test_each_parameter_moves_only_on_its_enabled_updates'}),
    'frozen_enable_update_restarts_rule': (FROZEN, {
        'test_each_parameter_moves_only_on_its_enabled_updates'}),
    'frozen_clipping_skips_disabled': (FROZEN, {
        'test_gradient_clipping_norm_includes_frozen_parameters'}),
    'lrscale_rules_share_the_optimizers_hyperparam': (LR, {
        'test_a_power_of_two_rule_learning_rate_scales_the_trajectory_exactly',
        'test_a_rule_hyperparameter_acts_as_an_optimizer_built_with_it'}),
    'lrscale_sgd_reads_the_optimizers_lr': (LR, {
        'test_a_power_of_two_rule_learning_rate_scales_the_trajectory_exactly',
        'test_a_rule_hyperparameter_acts_as_an_optimizer_built_with_it'}),
    'hyper_get_dict_parent_wins': (HYPER, {
        'test_rules_read_the_optimizers_values_until_they_set_their_own',
        'test_hyperparameter_lookup_walks_the_parent_chain'}),
    'hyper_setup_keeps_rules': (HYPER, {
        'test_setup_again_starts_over_with_new_rules_and_no_hooks'}),
    'hyper_adam_lr_is_alpha': (HYPER, {
        'test_adam_lr_is_a_read_only_alias_of_the_optimizers_alpha_t'}),
    'hyper_rmsprop_eps_inside_sqrt_not_proxied': (HYPER, {
        'test_each_optimizer_proxies_its_documented_hyperparameters'}),
    'hyper_adam_final_lr_not_proxied': (HYPER, {
        'test_adam_holds_adabounds_hyperparameters'}),
    # The Link API (found by a mutation sample of reference/link.py, seed 7).
    'link_chainlist_children_named_without_uninitialized': (LINKS, {
        'test_a_link_tree_is_walked_in_chainers_order_by_every_accessor'}),
    'link_chainlist_links_skipself_inverted': (LINKS, {
        'test_a_link_tree_is_walked_in_chainers_order_by_every_accessor'}),
    'link_copy_share_copies_the_arrays': (LINKS, {
        'test_copy_shares_or_copies_the_parameters_as_its_mode_says'}),
    'link_copy_share_keeps_the_gradients': (LINKS, {
        'test_copy_shares_or_copies_the_parameters_as_its_mode_says'}),
    'link_copy_copy_is_shallow': (LINKS, {
        'test_copy_shares_or_copies_the_parameters_as_its_mode_says'}),
    'link_copy_init_does_not_initialize': (LINKS, {
        'test_copy_shares_or_copies_the_parameters_as_its_mode_says'}),
    'link_register_persistent_keeps_the_parameter': (LINKS, {
        'test_a_chain_registers_what_init_scope_and_the_add_methods_give_it'}),
    'link_parameter_outside_init_scope_registered': (LINKS, {
        'test_a_chain_registers_what_init_scope_and_the_add_methods_give_it'}),
    'link_add_persistent_overwrites': (LINKS, {
        'test_a_chain_registers_what_init_scope_and_the_add_methods_give_it'}),
    'link_chainlist_delitem_keeps_names': (LINKS, {
        'test_a_chain_list_edited_as_a_list_names_its_children_by_position'}),
    'link_chainlist_insert_names_only_the_new_link': (LINKS, {
        'test_a_chain_list_edited_as_a_list_names_its_children_by_position'}),
    # SEMANTICS F7: a parameter added after setup has no rule.
    'formula_late_parameter_gets_a_rule': (FORMULAS, {
        'test_a_parameter_added_after_setup_gets_no_rule_and_is_left_alone'}),
    'formula_parameter_update_needs_a_rule': (FORMULAS, {
        'test_a_parameter_added_after_setup_gets_no_rule_and_is_left_alone'}),
    'formula_adam_without_first_moment_correction': (FORMULAS, {
        'test_every_rule_follows_its_closed_form_formula'}),
    'formula_rmsprop_eps_always_outside': (FORMULAS, {
        'test_every_rule_follows_its_closed_form_formula'}),
    'formula_nesterov_is_momentum': (FORMULAS, {
        'test_every_rule_follows_its_closed_form_formula'}),
    'formula_cleared_grads_stay_none': (FORMULAS, {
        'test_every_rule_follows_its_closed_form_formula',
        'test_cleared_grads_become_zeros_and_state_starts_at_first_update'}),
    'formula_fp32_update_ignored': (FORMULAS, {
        'test_every_rule_follows_its_closed_form_formula',
        'test_fp32_update_accumulates_steps_below_float16_resolution'}),
    'formula_lossfun_after_cleargrads': (FORMULAS, {
        'test_update_with_lossfun_runs_it_before_clearing_grads'}),
    'hooks_t_counted_before_pre_hooks': (HOOKS, {
        'test_hooks_are_called_in_chainers_update_order'}),
    'hooks_per_param_skip_frozen': (HOOKS, {
        'test_hooks_are_called_in_chainers_update_order',
        'test_optimizer_hooks_rewrite_every_gradient_frozen_parameters_included'}),
    'hooks_clipping_always_rescales': (HOOKS, {
        'test_gradient_clipping_scales_every_initialized_gradient_by_the_global_norm'}),
    'hooks_weight_decay_subtracts': (HOOKS, {
        'test_optimizer_hooks_rewrite_every_gradient_frozen_parameters_included',
        'test_rule_hooks_rewrite_only_their_own_enabled_parameters_gradient'}),
    'hooks_disabled_rule_runs_its_hooks': (HOOKS, {
        'test_hooks_are_called_in_chainers_update_order',
        'test_rule_hooks_rewrite_only_their_own_enabled_parameters_gradient'}),
    'hooks_same_name_pre_and_post': (HOOKS, {
        'test_add_hook_rejects_misuse'}),
    'hooks_rule_invalid_timing_is_pre': (HOOKS, {
        'test_an_invalid_timing_attribute_means_pre_for_the_optimizer_and_post_for_a_rule'}),
}


@pytest.mark.parametrize('broken', sorted(CAUGHT))
def test_broken_namespace_is_caught(pytester, broken):
    assert_caught(pytester, broken, *CAUGHT[broken])


def test_update_rule_families_pass_on_the_reference(pytester):
    result = run_suite(pytester, 'reference', FROZEN, LR, HYPER, FORMULAS, HOOKS, LINKS)
    assert result.ret == 0, '\n'.join(result.outlines[-40:])
