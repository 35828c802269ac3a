"""The shift-schedule properties added after mutation testing
(mutation/report.md) catch the bug classes its survivors revealed: a target
clamp that ignores the direction of the schedule, a zero-length LinearShift
ramp that jumps early, a starting value converted to float, and an autoload
that turns a saved int into a float.
"""
import pytest

from tests.meta.suite_runner import assert_caught, run_suite

SHIFTS = 'test_shift_schedules.py'
RESUME = 'test_resume.py'

#: broken namespace -> (file, properties that must fail on it)
CAUGHT = {
    'shift_growing_schedule_floored': (SHIFTS, {
        'test_shift_values_follow_their_closed_form[ExponentialShift]',
        'test_shift_values_follow_their_closed_form[StepShift]',
        'test_shift_values_follow_their_closed_form[InverseShift]'}),
    'shift_linear_empty_ramp_jumps_early': (SHIFTS, {
        'test_shift_values_follow_their_closed_form[LinearShift]'}),
    'shift_init_stored_as_float': (SHIFTS, {
        'test_shift_values_are_the_very_numbers_chainers_formulas_yield[ExponentialShift]',
        'test_shift_values_are_the_very_numbers_chainers_formulas_yield[StepShift]'}),
    'shift_autoload_int_becomes_float': (RESUME, {
        'test_autoload_resumes_a_shift_that_started_from_an_int'}),
    # Found by held-out mutation (seed 6): seen under NumPy 1 only by its type.
    'shift_step_shift_first_value_restored_as_a_float': (RESUME, {
        'test_resume_keeps_the_scalar_type_of_a_shifted_value[SGD]',
        'test_resume_keeps_the_scalar_type_of_a_shifted_value[NesterovAG]'}),
}


@pytest.mark.parametrize('broken', sorted(CAUGHT))
def test_broken_namespace_is_caught(pytester, broken):
    assert_caught(pytester, broken, *CAUGHT[broken])


def test_shift_and_resume_properties_pass_on_the_reference(pytester):
    result = run_suite(pytester, 'reference', SHIFTS, RESUME)
    assert result.ret == 0, '\n'.join(result.outlines[-40:])
