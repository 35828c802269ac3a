"""The serialization and iterator properties added after mutation testing
(mutation/report.md) catch the bug classes its survivors revealed:
``ignore_names`` lost below the top level, ``compression=False`` ignored,
and the ``_order`` key of older iterator snapshots no longer read.
"""
import pytest

from tests.meta.suite_runner import assert_caught, run_suite

SERIAL = 'test_serialization.py'
ITERATOR = 'test_iterator.py'
IGNORE = 'test_ignored_and_not_strictly_missing_keys_leave_the_target_as_it_is'
SAVE = 'test_save_npz_writes_one_member_per_key_deflated_unless_compression_is_false'
LEGACY = ('test_an_older_snapshot_gives_the_order_as__order_and_previous_epoch_detail_is_'
          'guessed')

#: broken namespace -> (file, properties that must fail on it)
CAUGHT = {
    'serial_ignore_names_not_inherited': (SERIAL, {IGNORE}),
    'serial_save_npz_always_compressed': (SERIAL, {SAVE}),
    'serial_iterator_legacy_order_unread': (ITERATOR, {LEGACY}),
}


@pytest.mark.parametrize('broken', sorted(CAUGHT))
def test_broken_namespace_is_caught(pytester, broken):
    assert_caught(pytester, broken, *CAUGHT[broken])


def test_the_new_properties_pass_on_the_reference(pytester):
    result = run_suite(pytester, 'reference', f'{SERIAL}::{IGNORE}', f'{SERIAL}::{SAVE}',
                       f'{ITERATOR}::{LEGACY}')
    assert result.ret == 0, '\n'.join(result.outlines[-40:])
