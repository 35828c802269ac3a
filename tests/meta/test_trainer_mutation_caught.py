"""Bug classes that the mutation run of the trainer area revealed as
unpinned (the ``StandardUpdater``'s batch forms and devices, the trainer's
observers) are caught, and the properties pass on the unbroken reference."""
import pytest

from tests.meta.suite_runner import assert_caught, run_suite

UPDATE = ('test_trigger_schedule.py',
          'test_each_update_passes_the_converted_main_batch_to_the_loss_by_its_form')
WIRING = ('test_lifecycle.py',
          'test_standard_updater_keeps_its_objects_by_name_and_finalizes_every_iterator')

#: broken namespace -> (file, properties that must fail on it)
CAUGHT = {
    'trainer_dict_batch_positional': (UPDATE[0], {UPDATE[1]}),
    'trainer_input_device_no_fallback': (UPDATE[0], {UPDATE[1]}),
    'trainer_child_links_not_observed': (UPDATE[0], {UPDATE[1]}),
}


@pytest.mark.parametrize('broken', sorted(CAUGHT))
def test_broken_namespace_is_caught(pytester, broken):
    assert_caught(pytester, broken, *CAUGHT[broken])


def test_updater_properties_pass_on_the_reference(pytester):
    result = run_suite(pytester, 'reference', '::'.join(UPDATE), '::'.join(WIRING))
    assert result.ret == 0, '\n'.join(result.outlines[-40:])
