"""The observation families (observation, value-triggers, evaluator,
snapshot-writers) catch realistic breakages of the reference's observation
pipeline, and pass on the unbroken reference.

Each broken namespace in ``tests/broken`` breaks one rule; the properties
that pin that rule must fail on it.
"""
import pytest

from tests.meta.suite_runner import assert_caught, run_suite

OBSERVATION = 'test_observation.py'
VALUE = 'test_value_triggers.py'
EVALUATOR = 'test_evaluator.py'
SNAPSHOT = 'test_snapshot_writers.py'
SERIALIZATION = 'test_serialization.py'

#: broken namespace -> (file, properties that must fail on it)
CAUGHT = {
    'observation_log_report_whole_run': (OBSERVATION, {
        'test_log_report_log_holds_the_interval_means_with_epoch_iteration_and_time'}),
    'observation_log_report_keys_sorted': (OBSERVATION, {
        'test_log_report_log_holds_the_interval_means_with_epoch_iteration_and_time'}),
    'observation_log_file_written_once': (OBSERVATION, {
        'test_log_report_rewrites_its_json_file_with_the_whole_log_at_each_entry'}),
    'observation_log_report_temp_file_in_cwd': (OBSERVATION, {
        'test_log_report_rewrites_its_json_file_with_the_whole_log_at_each_entry'}),
    'observation_log_report_temp_dir_in_system_temp': (OBSERVATION, {
        'test_log_report_rewrites_its_json_file_with_the_whole_log_at_each_entry'}),
    'observation_summary_x2_key_renamed': (SERIALIZATION, {
        'test_trainer_snapshot_has_chainers_key_names'}),
    'observation_micro_average_denominator_key_renamed': (SERIALIZATION, {
        'test_trainer_snapshot_has_chainers_key_names'}),
    'observation_plot_report_key_without_file_name': (SERIALIZATION, {
        'test_trainer_snapshot_has_chainers_key_names'}),
    'observation_print_report_width_8': (OBSERVATION, {
        'test_print_report_prints_the_header_once_then_one_row_per_log_entry'}),
    'observation_observe_lr_is_a_reader': (OBSERVATION, {
        'test_writers_reports_reach_log_report_and_value_triggers_in_the_same_iteration'}),
    'observation_micro_average_always_triggered': (OBSERVATION, {
        'test_micro_average_reports_summed_ratios_and_consults_its_trigger_only_with_both_keys'}),
    'observation_fail_on_nonnumber_nan_only': (OBSERVATION, {
        'test_fail_on_non_number_raises_after_the_first_update_that_makes_a_parameter_non_finite'}),
    'observation_parameter_statistics_no_link_name': (OBSERVATION, {
        'test_parameter_statistics_reports_each_statistic_under_chainers_key'}),
    'observation_progress_bar_ignores_update_interval': (OBSERVATION, {
        'test_progress_bar_draws_the_training_and_epoch_bars_every_update_interval',
        'test_progress_bar_honours_training_length_bar_length_and_out'}),
    'observation_plot_report_saves_empty_figures': (OBSERVATION, {
        'test_plot_report_saves_a_figure_of_the_interval_means_of_its_keys_at_each_firing'}),
    'observation_plot_report_postprocess_without_figure': (OBSERVATION, {
        'test_plot_report_saves_a_figure_of_the_interval_means_of_its_keys_at_each_firing'}),
    'observation_statistics_plot_one_sigma_two_sided': (OBSERVATION, {
        'test_variable_statistics_plot_saves_the_sampled_statistics_of_its_targets_at_each_firing',
        'test_variable_statistics_plot_draws_the_chosen_rows_and_statistics_of_every_unpacked_variable'}),
    'observation_plots_later_saved_elsewhere': (OBSERVATION, {
        'test_plot_report_saves_a_figure_of_the_interval_means_of_its_keys_at_each_firing',
        'test_variable_statistics_plot_saves_the_sampled_statistics_of_its_targets_at_each_firing'}),
    'observation_statistics_plot_grid_always_on': (OBSERVATION, {
        'test_variable_statistics_plot_draws_the_chosen_rows_and_statistics_of_every_unpacked_variable'}),
    'observation_statistics_plot_marker_ignored': (OBSERVATION, {
        'test_variable_statistics_plot_draws_the_chosen_rows_and_statistics_of_every_unpacked_variable'}),
    'observation_statistics_plot_figsize_ignored': (OBSERVATION, {
        'test_variable_statistics_plot_draws_the_chosen_rows_and_statistics_of_every_unpacked_variable'}),
    'observation_statistics_plot_grad_off_by_default': (OBSERVATION, {
        'test_variable_statistics_plot_draws_the_chosen_rows_and_statistics_of_every_unpacked_variable'}),
    'observation_statistics_plot_nested_targets_ignored': (OBSERVATION, {
        'test_variable_statistics_plot_draws_the_chosen_rows_and_statistics_of_every_unpacked_variable',
        'test_variable_statistics_plot_refuses_targets_without_a_variable_then_nothing_to_plot'}),
    'observation_statistics_plot_nothing_to_plot_first': (OBSERVATION, {
        'test_variable_statistics_plot_refuses_targets_without_a_variable_then_nothing_to_plot'}),
    'observation_print_report_remembers_printed_rows': (OBSERVATION, {
        'test_print_report_after_a_resume_prints_its_header_and_the_whole_restored_log'}),
    'value_time_trigger_fires_at_its_next_time': (VALUE, {
        'test_time_trigger_fires_once_per_period_of_elapsed_time_catching_up_after_pauses'}),
    'value_time_trigger_next_time_not_loaded': (VALUE, {
        'test_resumed_time_trigger_keeps_its_next_time'}),
    'snapshot_writer_saves_in_place': (SNAPSHOT, {
        'test_writers_save_into_a_temporary_directory_inside_out_then_move_the_file'}),
    'snapshot_queue_writer_hooks_never_run': (SNAPSHOT, {
        'test_queue_writers_leave_the_newest_n_retains_snapshots'}),
    'value_min_trigger_non_strict': (VALUE, {
        'test_best_value_triggers_fire_where_the_interval_mean_strictly_beats_the_best'}),
    'value_best_updated_without_firing': (VALUE, {
        'test_best_value_triggers_fire_where_the_interval_mean_strictly_beats_the_best'}),
    'value_best_value_not_serialized': (VALUE, {
        'test_resumed_best_value_trigger_and_log_report_continue_the_uninterrupted_run'}),
    'value_best_value_trigger_keys_renamed': (VALUE, {
        'test_resumed_best_value_trigger_and_log_report_continue_the_uninterrupted_run'}),
    'value_early_stopping_patience_off_by_one': (VALUE, {
        'test_early_stopping_trigger_stops_the_run_where_patience_runs_out'}),
    'value_early_stopping_accuracy_is_min': (VALUE, {
        'test_early_stopping_trigger_stops_the_run_where_patience_runs_out'}),
    'observation_summary_std_is_the_variance': (OBSERVATION, {
        'test_dict_summary_statistics_are_each_keys_mean_and_standard_deviation'}),
    'observation_dict_summary_variable_weight_dropped': (OBSERVATION, {
        'test_dict_summary_statistics_are_each_keys_mean_and_standard_deviation'}),
    'observation_dict_summary_adds_vectors': (OBSERVATION, {
        'test_dict_summary_statistics_are_each_keys_mean_and_standard_deviation'}),
    'observation_summary_lost_statistics_escape': (OBSERVATION, {
        'test_a_log_report_loaded_without_its_statistics_warns_per_key_and_loads_its_log'}),
    'observation_summary_lost_statistics_silent': (OBSERVATION, {
        'test_a_log_report_loaded_without_its_statistics_warns_per_key_and_loads_its_log'}),
    'observation_summary_keeps_its_content_without_names': (OBSERVATION, {
        'test_a_dict_summary_loaded_without_its_names_warns_and_starts_empty'}),
    'observation_current_reporter_outermost': (OBSERVATION, {
        'test_get_current_reporter_is_the_innermost_reporter_in_use'}),
    'observation_print_report_log_report_value_error': (OBSERVATION, {
        'test_print_report_refuses_a_log_report_neither_named_nor_a_log_report'}),
    'value_early_stopping_patients_ignored': (VALUE, {
        'test_early_stopping_patients_is_the_old_name_of_patience'}),
    'value_early_stopping_nan_is_an_improvement': (VALUE, {
        'test_early_stopping_trigger_stops_the_run_where_patience_runs_out'}),
    # Found by held-out mutation (seed 4): defaults left out.
    'value_early_stopping_monitors_validation_loss': (VALUE, {
        'test_early_stopping_checks_main_loss_each_epoch_by_default'}),
    'observation_plot_report_filename_none_kept': (OBSERVATION, {
        'test_plot_report_saves_a_figure_of_the_interval_means_of_its_keys_at_each_firing'}),
    'observation_parameter_statistics_pair_is_one_key': (OBSERVATION, {
        'test_parameter_statistics_reports_each_statistic_under_chainers_key'}),
    'observation_parameter_statistics_default_without_zeros': (OBSERVATION, {
        'test_parameter_statistics_reports_each_statistic_under_chainers_key'}),
    'observation_report_scope_not_restored': (OBSERVATION, {
        'test_a_report_scope_collects_into_its_dict_and_restores_the_previous_one'}),
    'observation_reporter_unregistered_observer_unprefixed': (OBSERVATION, {
        'test_a_reporter_stores_each_observers_values_under_its_registered_name'}),
    # Found by held-out mutation (seed 6).
    'observation_micro_average_skips_only_without_both_keys': (OBSERVATION, {
        'test_micro_average_reports_summed_ratios_and_consults_its_trigger_only_with_both_keys'}),
    # SEMANTICS J1: the observers a trainer registers when it is built.
    'observation_trainer_registers_only_the_targets': (OBSERVATION, {
        'test_the_trainer_registers_every_link_of_each_optimizers_target_as_an_observer'}),
    'observation_trainer_registers_only_main': (OBSERVATION, {
        'test_the_trainer_registers_every_link_of_each_optimizers_target_as_an_observer'}),
    'observation_trainer_child_observers_double_slash': (OBSERVATION, {
        'test_the_trainer_registers_every_link_of_each_optimizers_target_as_an_observer'}),
    'observation_trainer_registers_observers_when_run': (OBSERVATION, {
        'test_the_trainer_registers_every_link_of_each_optimizers_target_as_an_observer'}),
    # Found by held-out mutation (seed 6).
    'evaluator_copies_every_iterator': (EVALUATOR, {
        'test_evaluator_resets_its_iterator_or_warns_and_evaluates_a_copy'}),
    'evaluator_get_all_targets_is_its_own_dict': (EVALUATOR, {
        'test_evaluator_resets_its_iterator_or_warns_and_evaluates_a_copy'}),
    'evaluator_warns_for_any_repeating_iterator': (EVALUATOR, {
        'test_evaluator_warns_once_per_repeating_chainer_iterator'}),
    'evaluator_progress_bar_message_lowercase': (EVALUATOR, {
        'test_evaluator_with_progress_bar_refuses_an_iterator_without_a_position'}),
    'evaluator_iterator_not_reset': (EVALUATOR, {
        'test_each_evaluation_sees_every_validation_example_exactly_once',
        'test_evaluator_reports_and_returns_the_means_under_its_name_and_the_target_path'}),
    'evaluator_train_mode': (EVALUATOR, {
        'test_evaluator_runs_in_test_mode_without_backprop_and_touches_nothing'}),
    'evaluator_no_backprop_sets_none': (EVALUATOR, {
        'test_evaluator_runs_in_test_mode_without_backprop_and_touches_nothing'}),
    'evaluator_force_backprop_sets_false': (EVALUATOR, {
        'test_force_backprop_mode_in_eval_func_turns_backprop_on_for_its_body_only'}),
    'evaluator_no_name_prefix': (EVALUATOR, {
        'test_evaluator_reports_and_returns_the_means_under_its_name_and_the_target_path'}),
    'evaluator_progress_bar_left_on_screen': (EVALUATOR, {
        'test_evaluator_with_progress_bar_draws_the_validation_bar_after_each_batch'}),
    'snapshot_object_saves_the_trainer': (SNAPSHOT, {
        'test_snapshot_object_saves_its_target_under_the_name_formatted_with_the_trainer'}),
    'snapshot_on_error_ignored': (SNAPSHOT, {
        'test_snapshot_on_error_saves_the_trainer_where_the_run_failed'}),
    'snapshot_writer_wins_over_savefun': (SNAPSHOT, {
        'test_snapshot_refuses_a_savefun_and_a_writer_together'}),
    'snapshot_n_retains_ignored': (SNAPSHOT, {
        'test_snapshots_left_are_the_newest_n_retains_of_those_condition_allowed',
        'test_autoload_resumes_from_the_newest_snapshot_left'}),
    'snapshot_condition_ignored': (SNAPSHOT, {
        'test_snapshots_left_are_the_newest_n_retains_of_those_condition_allowed'}),
    'snapshot_autoload_oldest': (SNAPSHOT, {
        'test_autoload_resumes_from_the_newest_snapshot_left'}),
}


@pytest.mark.parametrize('broken', sorted(CAUGHT))
def test_broken_namespace_is_caught(pytester, broken):
    assert_caught(pytester, broken, *CAUGHT[broken])


def test_evaluator_without_config_fails_as_lacking_config(pytester):
    """A namespace without ``config`` fails the test-mode property with the
    harness's "implementation lacks config", never passes it."""
    result = run_suite(pytester, 'evaluator_without_config', f'{EVALUATOR}::'
                       'test_evaluator_runs_in_test_mode_without_backprop_and_touches_nothing')
    assert result.ret != 0
    assert 'implementation lacks config' in result.stdout.str(), '\n'.join(result.outlines[-30:])


def test_observation_families_pass_on_the_reference(pytester):
    result = run_suite(pytester, 'reference', OBSERVATION, VALUE, EVALUATOR, SNAPSHOT)
    assert result.ret == 0, '\n'.join(result.outlines[-40:])
