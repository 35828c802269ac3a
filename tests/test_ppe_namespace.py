"""The pytorch-pfn-extras namespace (implementations/ppe.py) under a small part
of the suite, with its expectations and --strict-expectations.

torch and pytorch-pfn-extras are installed only in the ppe environment of
`make matrix` (requirements/ppe.txt); elsewhere this test skips, saying so.
"""
import importlib.util
import pathlib

import pytest

from tests.meta.suite_runner import run_suite

ROOT = pathlib.Path(__file__).resolve().parents[1]
MISSING = [name for name in ('torch', 'pytorch_pfn_extras')
           if importlib.util.find_spec(name) is None]

pytestmark = pytest.mark.skipif(
    bool(MISSING), reason=f'{" and ".join(MISSING)} not installed (only the ppe lane of '
                          '`make matrix` installs them: requirements/ppe.txt)')


def test_ppe_namespace_passes_its_part_with_its_expectations(pytester):
    result = run_suite(
        pytester, str(ROOT / 'implementations' / 'ppe.py'),
        'test_priority_ordering.py', 'test_trigger_precedence.py',
        extra=(f'--expectations={ROOT / "implementations" / "ppe.expectations.toml"}',
               '--strict-expectations'))
    outcomes = result.parseoutcomes()
    assert result.ret == 0, '\n'.join(result.outlines[-30:])
    assert outcomes.get('passed', 0) > 0 and outcomes.get('xfailed', 0) > 0, outcomes
