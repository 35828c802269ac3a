"""The properties of the optimizers, hooks, parallel iterators and device
specifiers added for issue 14 (CorrectedMomentumSGD, MSVAG, RMSpropGraves,
SMORMS3, GradientNoise, GradientLARS, the deprecated ``optimizer.<Hook>``
names, MultithreadIterator, MultiprocessIterator, StandardUpdater's device
and the converter call) catch a realistic breakage of each, and pass on
the unbroken reference.
"""
import pytest

from tests.meta.suite_runner import assert_caught, run_suite

FORMULAS = 'test_update_formulas.py'
HOOKS = 'test_optimizer_hooks.py'
PARALLEL = 'test_parallel_iterators.py'
DEVICES = 'test_device_specifiers.py'

#: broken namespace -> (file, properties that must fail on it)
CAUGHT = {
    'formula_smorms3_mem_starts_at_zero': (FORMULAS, {
        'test_every_rule_follows_its_closed_form_formula[SMORMS3]'}),
    'formula_rmsprop_graves_eps_outside_sqrt': (FORMULAS, {
        'test_every_rule_follows_its_closed_form_formula[RMSpropGraves]'}),
    'formula_corrected_momentum_lr_in_v': (FORMULAS, {
        'test_every_rule_follows_its_closed_form_formula[CorrectedMomentumSGD]'}),
    'formula_msvag_nan_factor_kept': (FORMULAS, {
        'test_every_rule_follows_its_closed_form_formula[MSVAG]'}),
    'hooks_lars_without_threshold': (HOOKS, {
        'test_gradient_lars_rescales_each_gradient_by_its_parameters_trust_ratio'}),
    'hooks_noise_gets_the_optimizer': (HOOKS, {
        'test_gradient_noise_adds_exactly_what_its_noise_func_returns_before_the_step'}),
    'hooks_deprecated_aliases_silent': (HOOKS, {
        'test_the_deprecated_optimizer_hook_names_warn_and_act_as_the_hooks'}),
    'iterator_multithread_writes_order': (PARALLEL, {
        'test_parallel_iterators_resume_from_a_snapshot_at_any_position[MultithreadIterator]'}),
    'iterator_multiprocess_drops_partial_batch': (PARALLEL, {
        'test_parallel_iterators_walk_the_dataset_as_serial_iterator[MultiprocessIterator]'}),
    'iterator_multithread_none_previous_is_zero': (PARALLEL, {
        'test_a_multithread_snapshot_without_a_previous_position_loads_as_none'}),
    'iterator_multiprocess_reads_order_only': (PARALLEL, {
        'test_a_multithread_snapshot_is_read_by_the_other_kinds'}),
    'iterator_multiprocess_copy_forgets_previous': (PARALLEL, {
        'test_a_copied_multiprocess_iterator_goes_on_from_the_same_position'}),
    'hooks_default_noise_decays_from_t': (HOOKS, {
        'test_gradient_noise_by_default_draws_gaussian_noise_that_decays_with_t'}),
    'hooks_lars_threshold_inclusive': (HOOKS, {
        'test_gradient_lars_rescales_only_above_the_threshold[at]'}),
    'hooks_lars_assumes_a_gradient': (HOOKS, {
        'test_rule_hooks_leave_a_parameter_without_a_gradient_alone'}),
    'iterator_multithread_shuffles_once': (PARALLEL, {
        'test_training_with_a_parallel_iterator_follows_serial_iterators_trajectory'
        '[MultithreadIterator]'}),
    'device_old_converter_gets_the_device': (DEVICES, {
        'test_the_converter_gets_the_device_as_chainer_passes_it[old]',
        'test_the_evaluators_converter_gets_the_device_as_chainer_passes_it[old]'}),
    'device_converter_accepts_anything': (DEVICES, {
        'test_the_converter_decorator_refuses_what_is_not_callable'}),
    'device_converter_called_directly_keeps_the_specifier': (DEVICES, {
        'test_a_decorated_converter_called_directly_gets_a_device'}),
    'device_evaluator_converter_without_device': (DEVICES, {
        'test_the_evaluators_converter_gets_the_device_as_chainer_passes_it'}),
    'device_cupy_specifier_unparsed': (DEVICES, {
        'test_a_gpu_specifier_is_a_cupy_device_or_needs_cuda'}),
    'device_chainerx_specifier_value_error': (DEVICES, {
        'test_an_invalid_device_specifier_raises_chainers_exception'}),
    'device_bool_refused': (DEVICES, {
        'test_a_gpu_specifier_is_a_cupy_device_or_needs_cuda'}),
    'dataset_padding_takes_the_padding_dtype': (DEVICES, {
        'test_concat_examples_pads_ragged_arrays_to_the_largest_shape'}),
    'dataset_padding_promotes_dtypes': (DEVICES, {
        'test_concat_examples_pads_ragged_arrays_to_the_largest_shape'}),
}


@pytest.mark.parametrize('broken', sorted(CAUGHT))
def test_broken_namespace_is_caught(pytester, broken):
    assert_caught(pytester, broken, *CAUGHT[broken])


def test_the_new_properties_pass_on_the_reference(pytester):
    result = run_suite(pytester, 'reference', PARALLEL, DEVICES)
    assert result.ret == 0, '\n'.join(result.outlines[-40:])
