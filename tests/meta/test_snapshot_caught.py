"""The snapshot families (serialization, resume, shift schedules, bad input)
catch realistic breakages of the reference and pass on the unbroken
reference; ``--extension`` reports the tutorial PolynomialShift's two resume
bugs in plain words and passes its corrected version.
"""
import pytest

from tests.meta.suite_runner import ROOT, assert_caught, run_suite

SERIAL = 'test_serialization.py'
RESUME = 'test_resume.py'
SHIFTS = 'test_shift_schedules.py'
BAD = 'test_bad_input.py'

#: broken namespace -> (file, properties that must fail on it)
CAUGHT = {
    'serial_int32_scalars': (SERIAL, {
        'test_trainer_snapshot_has_chainers_dtypes_and_shapes',
        'test_dictionary_serializer_stores_scalars_as_0d_arrays_and_none_as_object'}),
    # Found by mutation testing (mutation/report.md): a renamed trigger key.
    'serial_manual_trigger_key_renamed': (SERIAL, {
        'test_trainer_snapshot_has_chainers_key_names'}),
    'serial_state_not_loaded_into_fresh_rule': (SERIAL, {
        'test_optimizer_round_trips_and_continues_identically'}),
    'resume_shift_restarts_schedule': (RESUME, {
        'test_resumed_training_matches_uninterrupted_training'}),
    'resume_trigger_position_not_saved': (RESUME, {
        'test_resumed_training_matches_uninterrupted_training'}),
    'resume_autoload_without_reapply': (RESUME, {
        'test_autoload_snapshot_resumes_like_uninterrupted_training'}),
    'shift_exponential_off_by_one': (SHIFTS, {
        'test_shift_values_follow_their_closed_form[ExponentialShift]'}),
    'shift_multistep_several_steps_per_call': (SHIFTS, {
        'test_shift_values_follow_their_closed_form[MultistepShift]'}),
    # Found by held-out mutation (seed 3): format-2.0 headers and Fortran order.
    'serial_npy_fortran_order_ignored': (SERIAL, {
        'test_npy_members_of_any_format_version_and_memory_order_load'}),
    'serial_npy_v2_header_length_2_bytes': (SERIAL, {
        'test_npy_members_of_any_format_version_and_memory_order_load'}),
    'badinput_unpickles': (BAD, {
        'test_load_npz_never_unpickles_snapshot_content'}),
    'badinput_large_arrays_not_rehearsed': (BAD, {
        'test_a_failed_load_leaves_a_link_with_a_large_parameter_unchanged'}),
    'badinput_half_loads': (BAD, {
        'test_failed_load_leaves_the_target_unchanged'}),
    'badinput_key_error_without_key': (BAD, {
        'test_snapshot_missing_a_key_fails_with_key_error_naming_it'}),
    # Found by the seed sweep (seed 11): a reshaped shift value.
    'badinput_shift_value_error_without_key': (BAD, {
        'test_failed_load_names_the_key_or_the_file'}),
    # Found by mutation testing (mutation/report.md): guesses after a legacy load.
    'badinput_legacy_guess_is_current_iteration': (BAD, {
        'test_trigger_loaded_without_its_keys_warns_and_guesses_its_position'}),
    'badinput_legacy_finished_not_recomputed': (BAD, {
        'test_trigger_loaded_without_its_keys_warns_and_guesses_its_position'}),
}

TUTORIAL = ROOT / 'examples' / 'tutorial_polynomial_shift.py'


@pytest.mark.parametrize('broken', sorted(CAUGHT))
def test_broken_namespace_is_caught(pytester, broken):
    assert_caught(pytester, broken, *CAUGHT[broken])


def test_snapshot_families_pass_on_the_reference(pytester):
    result = run_suite(pytester, 'reference', SERIAL, RESUME, SHIFTS, BAD)
    assert result.ret == 0, '\n'.join(result.outlines[-40:])


USER_PROPERTIES = (f'{SERIAL}::test_user_extension_round_trips_through_save_npz',
                   f'{RESUME}::test_user_extension_resumes_like_uninterrupted_training')


@pytest.mark.parametrize('factory, message', [
    ('factory', "extension state '_last_value' has type int and cannot be deserialized "
                'from float64'),
    ('float_state_factory', 'value of lr not restored before the first update after resume'),
])
def test_user_extension_failures_say_what_breaks(pytester, factory, message):
    result = run_suite(pytester, 'reference', *USER_PROPERTIES,
                       extra=(f'--extension={TUTORIAL}:{factory}',))
    assert result.ret != 0 and message in result.stdout.str(), (
        f'--extension=...:{factory} should fail saying {message!r}:\n'
        + '\n'.join(result.outlines[-40:]))


def test_resumable_tutorial_extension_passes(pytester):
    result = run_suite(pytester, 'reference', *USER_PROPERTIES,
                       extra=(f'--extension={TUTORIAL}:resumable_factory',))
    assert result.ret == 0, '\n'.join(result.outlines[-40:])


def test_unloadable_extension_is_a_usage_error(pytester):
    result = run_suite(pytester, 'reference', USER_PROPERTIES[0],
                       extra=('--extension=no_such_module:factory',))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert 'no_such_module' in result.stderr.str()
