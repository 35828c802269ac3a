"""The trainer families (trigger precedence, trigger schedules, priority
ordering, names, lifecycle) catch realistic breakages of the reference, and
pass on the unbroken reference.

Each broken namespace in ``tests/broken`` breaks one rule; the properties
that pin that rule must fail on it.
"""
import pytest

from tests.meta.suite_runner import assert_caught, run_suite

PRECEDENCE = 'test_trigger_precedence.py'
SCHEDULE = 'test_trigger_schedule.py'
PRIORITY = 'test_priority_ordering.py'
NAMES = 'test_names.py'
LIFECYCLE = 'test_lifecycle.py'

#: broken namespace -> (file, properties that must fail on it)
CAUGHT = {
    # SEMANTICS B7: no stop trigger, an iterator that does not repeat.
    'lifecycle_stop_iteration_ends_the_run': (LIFECYCLE, {
        'test_without_a_stop_trigger_a_run_ends_only_by_the_error_of_an_exhausted_iterator'}),
    'lifecycle_no_stop_trigger_means_one_epoch': (LIFECYCLE, {
        'test_without_a_stop_trigger_a_run_ends_only_by_the_error_of_an_exhausted_iterator'}),
    'lifecycle_extension_list_read_every_iteration': (LIFECYCLE, {
        'test_an_extension_registered_while_running_joins_only_the_next_run'}),
    'schedule_interval_compares_with_the_last_iteration': (SCHEDULE, {
        'test_a_trigger_consulted_on_some_iterations_catches_up_at_its_next_call'}),
    'priority_evaluator_is_a_reader': (PRIORITY, {
        'test_a_built_in_extension_registers_with_chainers_trigger_priority_and_name'
        '[Evaluator]'}),
    'priority_zero_means_not_given': (PRIORITY, {
        'test_extensions_run_in_descending_priority_with_ties_in_registration_order'}),
    'priority_make_extension_keeps_none': (PRIORITY, {
        'test_extensions_run_in_descending_priority_with_ties_in_registration_order'}),
    'trigger_attribute_wins': (PRECEDENCE, {
        'test_extension_runs_where_the_trigger_chosen_by_precedence_fires',
        'test_only_the_chosen_trigger_is_consulted_once_per_iteration_after_the_update'}),
    'trigger_default_every_epoch': (PRECEDENCE, {
        'test_plain_function_runs_every_iteration'}),
    'trigger_none_attribute_means_default': (PRECEDENCE, {
        'test_trigger_attribute_none_never_fires'}),
    'trigger_get_trigger_none_fires': (PRECEDENCE, {
        'test_trigger_attribute_none_never_fires',
        'test_get_trigger_keeps_callables_and_builds_interval_triggers'}),
    'trigger_get_trigger_wraps_callables': (PRECEDENCE, {
        'test_get_trigger_keeps_callables_and_builds_interval_triggers'}),
    'schedule_interval_level_triggered': (SCHEDULE, {
        'test_interval_trigger_fires_where_an_integer_period_boundary_is_crossed',
        'test_interval_trigger_fires_once_on_its_first_call_after_a_jump'}),
    'schedule_interval_exact_fractions': (SCHEDULE, {
        'test_fractional_epoch_interval_fires_where_float_floor_division_changes'}),
    'schedule_manual_point_exclusive': (SCHEDULE, {
        'test_manual_schedule_trigger_fires_at_its_points_then_reports_finished'}),
    'schedule_once_resume_flag_kept': (SCHEDULE, {
        'test_once_trigger_fires_at_its_first_call_only',
        'test_restored_once_trigger_fires_again_only_with_call_on_resume'}),
    'schedule_once_ignores_call_on_resume': (SCHEDULE, {
        'test_restored_once_trigger_fires_again_only_with_call_on_resume'}),
    'schedule_stop_checked_after_update': (SCHEDULE, {
        'test_stop_trigger_gives_exactly_the_updates_it_names'}),
    'schedule_new_epoch_only_at_exact_end': (SCHEDULE, {
        'test_updater_state_follows_the_serial_iterator'}),
    'priority_ties_reversed': (PRIORITY, {
        'test_extensions_run_in_descending_priority_with_ties_in_registration_order',
        'test_initialize_before_training_on_error_and_finalize_use_the_call_order'}),
    'priority_observation_reused': (PRIORITY, {
        'test_a_reader_sees_what_writers_reported_earlier_in_the_same_iteration'}),
    'priority_finalize_reversed': (PRIORITY, {
        'test_initialize_before_training_on_error_and_finalize_use_the_call_order'}),
    'priority_stop_sees_fresh_observation': (PRIORITY, {
        'test_stop_trigger_sees_the_previous_iterations_observation'}),
    'names_suffix_not_repeated': (NAMES, {
        'test_extension_name_follows_resolution_order_and_ordinal_suffixes'}),
    'names_default_name_first': (NAMES, {
        'test_extension_name_follows_resolution_order_and_ordinal_suffixes'}),
    'names_nameless_gets_type_name': (NAMES, {
        'test_extension_name_follows_resolution_order_and_ordinal_suffixes'}),
    'names_function_name_untouched': (NAMES, {
        'test_any_extension_object_gets_its_registered_name_as_its_name'}),
    'names_get_extension_returns_none': (NAMES, {
        'test_get_extension_finds_registered_names_and_rejects_others'}),
    'lifecycle_before_training_before_initialize': (LIFECYCLE, {
        'test_call_before_training_runs_once_after_initialize_and_before_the_first_update'}),
    'lifecycle_before_training_every_run': (LIFECYCLE, {
        'test_call_before_training_is_skipped_when_the_updater_already_ran'}),
    'lifecycle_initialize_ignores_finished': (LIFECYCLE, {
        'test_initialize_runs_once_unless_the_trigger_reports_finished'}),
    'lifecycle_finished_read_at_extend': (LIFECYCLE, {
        'test_initialize_reads_finished_from_the_registered_trigger_when_run_starts'}),
    'lifecycle_error_wrapped': (LIFECYCLE, {
        'test_an_error_calls_every_on_error_then_every_finalize_and_is_reraised'}),
    # Caught in the examples whose error comes after the stop trigger fires.
    'lifecycle_on_error_without_error': (LIFECYCLE, {
        'test_an_error_calls_every_on_error_then_every_finalize_and_is_reraised',
        'test_an_error_in_on_error_is_swallowed_and_the_original_reraised',
        'test_run_after_a_failed_run_initializes_again_and_continues'}),
    'lifecycle_on_error_skipped': (LIFECYCLE, {
        'test_an_error_calls_every_on_error_then_every_finalize_and_is_reraised'}),
    'lifecycle_handler_error_propagates': (LIFECYCLE, {
        'test_an_error_in_on_error_is_swallowed_and_the_original_reraised'}),
    'lifecycle_second_run_allowed': (LIFECYCLE, {
        'test_run_after_a_completed_run_is_refused'}),
    'lifecycle_failed_run_is_final': (LIFECYCLE, {
        'test_run_after_a_failed_run_initializes_again_and_continues'}),
    'lifecycle_elapsed_time_zero_before_run': (LIFECYCLE, {
        'test_elapsed_time_is_refused_before_run_and_frozen_after_it'}),
}


@pytest.mark.parametrize('broken', sorted(CAUGHT))
def test_broken_namespace_is_caught(pytester, broken):
    assert_caught(pytester, broken, *CAUGHT[broken])


def test_trainer_families_pass_on_the_reference(pytester):
    files = (PRECEDENCE, SCHEDULE, PRIORITY, NAMES, LIFECYCLE)
    result = run_suite(pytester, 'reference', *files)
    assert result.ret == 0, '\n'.join(result.outlines[-40:])
