"""The 'iterator' family catches realistic breakages of the reference's
``SerialIterator``, and passes on the unbroken reference.

Each broken namespace in ``tests/broken`` breaks one rule; the properties
that pin that rule must fail on it.
"""
import pytest

from tests.meta.suite_runner import assert_caught, run_suite

ITERATOR = 'test_iterator.py'
STREAM = 'test_batches_and_counters_follow_the_stream_of_epoch_orders'
SAVED = 'test_a_custom_order_is_saved_and_restored_and_iteration_continues'

#: broken namespace -> properties that must fail on it
CAUGHT = {
    'iterator_wrap_drops_next_epoch_head': {
        STREAM, SAVED, 'test_shuffled_epochs_are_permutations_reproducible_by_seed'},
    'iterator_is_new_epoch_sticks': {STREAM, SAVED},
    'iterator_previous_epoch_detail_lags': {
        STREAM, SAVED, 'test_reset_mid_run_starts_over_as_a_fresh_iterator'},
    'iterator_sampler_gets_new_position': {
        'test_order_sampler_gets_the_ending_epochs_order_and_position'},
    'iterator_no_repeat_last_batch_filled': {
        STREAM, 'test_a_for_loop_gets_the_same_batches_as_next',
        'test_an_exhausted_iterator_stays_at_the_start_of_epoch_one'},
}


@pytest.mark.parametrize('broken', sorted(CAUGHT))
def test_broken_namespace_is_caught(pytester, broken):
    assert_caught(pytester, broken, ITERATOR, CAUGHT[broken])


def test_iterator_family_passes_on_the_reference(pytester):
    result = run_suite(pytester, 'reference', ITERATOR)
    assert result.ret == 0, '\n'.join(result.outlines[-40:])
