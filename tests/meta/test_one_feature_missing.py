"""An implementation that lacks one optional feature fails exactly the
properties that need it, each as ``lacks`` (never as a rule difference).

Each namespace in ``tests/broken/lacks_*.py`` is the reference without one
name or argument that Chainer added in a later release; the suite runs on it
with a JSON report, and the failed properties and their kinds are compared
with the ones that pin the feature.
"""
import json

import pytest

from tests.meta.suite_runner import run_suite

TRAINER_FAMILIES = ('test_lifecycle.py', 'test_priority_ordering.py',
                    'test_trigger_precedence.py', 'test_differential.py')

#: namespace -> (files run, properties that need the feature, what the reason names)
LACKS = {
    'lacks_is_before_training': (TRAINER_FAMILIES, {
        'test_call_before_training_runs_once_after_initialize_and_before_the_first_update',
        'test_call_before_training_is_skipped_when_the_updater_already_ran',
        'test_trainer_event_log_matches_the_reference'},
        'training.Trainer.is_before_training'),
    'lacks_call_before_training': (TRAINER_FAMILIES, {
        'test_call_before_training_runs_once_after_initialize_and_before_the_first_update',
        'test_call_before_training_is_skipped_when_the_updater_already_ran',
        'test_initialize_before_training_on_error_and_finalize_use_the_call_order',
        'test_trainer_event_log_matches_the_reference'},
        'training.Trainer.extend(call_before_training=...)'),
    # Chainer 5: only the properties whose runs can fail need on_error.
    'lacks_make_extension_on_error': (TRAINER_FAMILIES, {
        'test_an_error_calls_every_on_error_then_every_finalize_and_is_reraised',
        'test_an_error_in_on_error_is_swallowed_and_the_original_reraised',
        'test_run_after_a_failed_run_initializes_again_and_continues',
        'test_initialize_before_training_on_error_and_finalize_use_the_call_order',
        'test_trainer_event_log_matches_the_reference',
        'test_without_a_stop_trigger_a_run_ends_only_by_the_error_of_an_exhausted_iterator'},
        'training.make_extension(on_error=...)'),
    # Chainer 5: StandardUpdater(device='@numpy') raises TypeError there.
    'lacks_device_specifiers': (('test_lifecycle.py', 'test_trigger_schedule.py'), {
        'test_standard_updater_keeps_its_objects_by_name_and_finalizes_every_iterator',
        'test_each_update_passes_the_converted_main_batch_to_the_loss_by_its_form'},
        "training.updaters.StandardUpdater(device='@numpy')"),
    'lacks_snapshot_autoload': (('test_resume.py', 'test_serialization.py'), {
        'test_autoload_snapshot_resumes_like_uninterrupted_training',
        'test_autoload_resumes_a_shift_that_started_from_an_int'},
        'training.extensions.snapshot(autoload=...)'),
}


@pytest.mark.parametrize('namespace', sorted(LACKS))
def test_only_the_properties_that_need_a_missing_feature_fail_and_as_lacks(
        pytester, namespace):
    files, needing, name = LACKS[namespace]
    path = pytester.path / 'report.json'
    result = run_suite(pytester, namespace, *files, extra=(f'--report={path}',))
    properties = json.loads(path.read_text())['properties']
    failed = {p['id'].split('::')[-1].split('[')[0]: p for p in properties
              if p['outcome'] == 'failed'}
    assert set(failed) == needing, '\n'.join(result.outlines[-40:])
    for prop in failed.values():
        assert prop['failure'] == 'lacks', prop
        assert f'implementation lacks {name}' in prop['message'], prop['message']
