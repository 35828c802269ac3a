"""A run is reproduced from its seed alone: the same seed gives the same
outcomes and the same falsifying examples whichever modules are selected,
whatever other local modules are imported, and with or without a
``.hypothesis/`` folder left by an earlier run.

Hypothesis draws constants from the source of the local modules imported so
far, so without ``profiles.without_local_constants`` the second run below
(another selection, an extra module full of constants) finds other
examples.  Both runs are fresh processes in scratch directories, on a
broken namespace, so that there are counterexamples to compare, in the
``meta`` profile (no shrinking: the first failing example found is kept,
which a change in generation changes).
"""
import json
import os
import shutil
import subprocess
import sys

from tests.meta.suite_runner import CONFORMANCE, ROOT

BROKEN = ROOT / 'tests' / 'broken' / 'formula_nesterov_is_momentum.py'
FORMULAS = str(CONFORMANCE / 'test_update_formulas.py')
HYPERPARAMETERS = str(CONFORMANCE / 'test_hyperparameters.py')
CONSTANTS = '''"""Local source whose constants hypothesis would mix into its draws."""
INTS = [3, 7, 11, 250, 1000, -2, 65535]
FLOATS = [0.25, 0.3071, 1e-08, 0.875, -7.5, 0.95, 0.001, 1.5]
STRINGS = ['lr', 'momentum', 'alpha', 'training']
'''


def run(cwd, *paths, extra=()):
    report = cwd / 'report.json'
    done = subprocess.run(
        [sys.executable, '-m', 'pytest', *paths, f'--impl={BROKEN}', '-q',
         '-p', 'no:cacheprovider', '--hypothesis-profile=meta', '--hypothesis-seed=5',
         f'--report={report}', *extra],
        cwd=cwd, capture_output=True, text=True, timeout=600,
        env={**os.environ, 'PYTHONPATH': str(cwd)})
    assert report.exists(), done.stdout[-3000:] + done.stderr[-2000:]
    properties = json.loads(report.read_text())['properties']
    return {p['id']: (p['outcome'], p['counterexample']) for p in properties}


def test_same_seed_same_examples_whatever_ran_before(tmp_path):
    first, second = tmp_path / 'first', tmp_path / 'second'
    first.mkdir()
    second.mkdir()
    alone = run(first, FORMULAS)
    # Another selection, an earlier run's .hypothesis/ folder, and a local
    # module of constants imported before the properties run.
    if (first / '.hypothesis').exists():
        shutil.copytree(first / '.hypothesis', second / '.hypothesis')
    (second / 'extra_constants.py').write_text(CONSTANTS)
    together = run(second, HYPERPARAMETERS, FORMULAS, extra=('-p', 'extra_constants'))
    failed = [i for i, (outcome, _) in alone.items() if outcome == 'failed']
    assert failed and all(alone[i][1] for i in failed), (
        f'the broken namespace should fail with counterexamples: {alone}')
    differ = {i: (alone[i], together.get(i)) for i in alone if together.get(i) != alone[i]}
    assert not differ, f'same seed, other outcomes or examples: {differ}'
