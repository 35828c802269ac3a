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
