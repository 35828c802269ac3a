"""Expectations files: parsing, exact matching, conditions, problems
(entries that match nothing, expected failures that pass, stale replays) and
the deterministic replay of a stored counterexample."""
import json

import hypothesis
import tomllib

import pytest
import reference  # NOQA: imported once here, not by each in-process pytester run

from conformance import devices, examples, expectations

PROPERTIES = '''
from hypothesis import given, strategies as st
from conformance.spec import rule

SOURCE = 'chainer/training/trainer.py:Trainer.extend@v7.8.1'


@rule('names', source=SOURCE)
@given(st.integers(0, 10**6))
def test_below_limit(x):
    with open('calls.txt', 'a') as f:
        f.write(f'{x}\\n')
    assert x < LIMIT, f'{x} is not below {LIMIT}'


@rule('names', source=SOURCE)
@pytest.mark.parametrize('n', [1, 2])
def test_passes(n):
    pass
'''


def properties(pytester, limit=500):
    pytester.makepyfile(test_props=f'import pytest\nLIMIT = {limit}\n' + PROPERTIES)


def write(pytester, text):
    return pytester.makefile('.toml', expectations=text)


def run(pytester, *args):
    return pytester.runpytest('--hypothesis-profile=ci', '--report=report.json', *args)


def outcomes(pytester):
    document = json.loads((pytester.path / 'report.json').read_text())
    return {p['id']: p for p in document['properties']}, document['expectations']['problems']


# -- the file format ---------------------------------------------------------

def test_entries_read_with_their_conditions_and_replay(tmp_path):
    path = tmp_path / 'e.toml'
    path.write_text('["test_a.py::test_b[1]"]\nstatus = "skip"\nreason = "slow"\n'
                    'link = "https://example.org/1"\ndevice = "gpu"\nversion = ">=1,<2"\n'
                    'replay = { hypothesis = "6.1.0", blob = "AAA=" }\n')
    [entry] = expectations.load(path)
    assert entry == expectations.Expectation(
        id='test_a.py::test_b[1]', status='skip', reason='slow', link='https://example.org/1',
        devices=('gpu',), version='>=1,<2', replay=('6.1.0', 'AAA='))
    assert entry.describe() == 'slow (https://example.org/1)'


@pytest.mark.parametrize('text, complaint', [
    ('["test_a.py::test_b"]\nstatus = "xfail"\nreason = "r"\ncolour = 1\n', "unknown keys ['colour']"),
    ('["test_a.py::test_b"]\nstatus = "broken"\nreason = "r"\n', 'status must be one of'),
    ('["test_a.py::test_b"]\nstatus = "xfail"\n', 'a reason is required'),
    ('["test_a.py::test_b"]\nstatus = "xfail"\nreason = "r"\nversion = "one"\n',
     'is not a version specifier'),
    ('["test_a.py::test_b"]\nstatus = "xfail"\nreason = "r"\nreplay = { blob = "A" }\n',
     'replay must be'),
    ('[test_b]\nstatus = "xfail"\nreason = "r"\n', 'keyed by a property id'),
    ('["test_a.py::test_b"\n', 'not valid TOML'),
])
def test_malformed_entries_are_rejected_naming_the_problem(tmp_path, text, complaint):
    path = tmp_path / 'e.toml'
    path.write_text(text)
    with pytest.raises(expectations.ExpectationsError, match=complaint.replace('[', r'\[')):
        expectations.load(path)


def test_matching_is_exact_and_an_entry_without_params_covers_every_param():
    bare = expectations.Expectation('test_a.py::test_b', 'xfail', 'r')
    one = expectations.Expectation('test_a.py::test_b[1]', 'skip', 'r')
    assert bare.matches('test_a.py::test_b[2]') and bare.matches('test_a.py::test_b')
    assert not bare.matches('test_a.py::test_bc') and not bare.matches('test_x.py::test_b')
    assert one.matches('test_a.py::test_b[1]') and not one.matches('test_a.py::test_b[10]')
    assert expectations.select([bare, one], 'test_a.py::test_b[1]') is one
    assert expectations.select([bare, one], 'test_a.py::test_b[2]') is bare


def test_conditions_on_device_and_implementation_version():
    entry = expectations.Expectation('f.py::t', 'xfail', 'r', devices=('gpu',), version='<2')
    assert entry.applies(devices.Device('gpu', 1), '1.5')
    assert not entry.applies(devices.Device('cpu'), '1.5')
    assert not entry.applies(devices.Device('gpu'), '2.0')
    assert expectations.Expectation('f.py::t', 'xfail', 'r', devices=('gpu:1',)).applies(
        devices.Device('gpu', 1), 'unknown')
    with pytest.raises(expectations.ExpectationsError, match="version 'unknown'"):
        entry.applies(devices.Device('gpu'), 'unknown')


def test_a_malformed_file_is_a_usage_error(pytester):
    properties(pytester)
    path = write(pytester, '["test_props.py::test_passes"]\nstatus = "xfail"\n')
    result = pytester.runpytest(f'--expectations={path}')
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(['*entry *test_props.py::test_passes*: a reason is required*'])


# -- in a run ----------------------------------------------------------------

def test_expected_failure_replays_its_stored_counterexample_deterministically(pytester):
    properties(pytester)
    run(pytester).assert_outcomes(failed=1, passed=2)
    found, _ = outcomes(pytester)
    counterexample = found['test_props.py::test_below_limit']['counterexample']
    assert counterexample is not None
    path = write(pytester, expectations.entry_toml(
        'test_props.py::test_below_limit', 'a declared divergence',
        (counterexample['hypothesis'], counterexample['blob'])))

    calls = []
    for seed in ('1', '2'):
        (pytester.path / 'calls.txt').unlink(missing_ok=True)
        run(pytester, f'--expectations={path}', f'--hypothesis-seed={seed}',
            '--strict-expectations').assert_outcomes(xfailed=1, passed=2)
        calls.append((pytester.path / 'calls.txt').read_text().split())
        found, problems = outcomes(pytester)
        assert problems == []
        assert found['test_props.py::test_below_limit']['counterexample'] == counterexample
    # One example per run, the same one: the shrunk counterexample.
    assert calls == [['500'], ['500']]


def test_an_expected_failure_that_passes_is_reported_and_fails_under_strict(pytester):
    properties(pytester)
    path = write(pytester, '["test_props.py::test_passes"]\nstatus = "xfail"\nreason = "r"\n'
                           '["test_props.py::test_below_limit"]\nstatus = "skip"\nreason = "s"\n')
    result = run(pytester, f'--expectations={path}')
    result.assert_outcomes(xpassed=2, skipped=1)
    assert result.ret == 0
    result.stdout.fnmatch_lines(['expectation problems*',
                                 '  test_props.py::test_passes[[]1[]]: expected to fail but passed'])
    found, problems = outcomes(pytester)
    assert found['test_props.py::test_passes[1]']['outcome'] == 'passed'
    assert found['test_props.py::test_passes[1]']['reason'] == 'expected to fail but passed (r)'
    assert found['test_props.py::test_below_limit']['outcome'] == 'skipped'
    assert found['test_props.py::test_below_limit']['reason'] == 's'
    assert len(problems) == 2
    strict = run(pytester, f'--expectations={path}', '--strict-expectations')
    strict.assert_outcomes(failed=2, skipped=1)


def test_an_entry_that_matches_nothing_is_reported_and_fails_under_strict(pytester):
    properties(pytester)
    path = write(pytester, '\n'.join(
        f'["{key}"]\nstatus = "xfail"\nreason = "r"' for key in (
            'test_props.py::test_renamed', 'test_props.py::test_passes[3]',
            'test_nowhere.py::test_x',
            # a file of the suite that this run did not select: not a problem
            'test_names.py::test_get_extension_finds_registered_names_and_rejects_others')))
    result = run(pytester, f'--expectations={path}')
    assert result.ret == 1   # test_below_limit fails; the entries apply to nothing
    _, problems = outcomes(pytester)
    assert problems == [f'{key}: matches no property of this suite' for key in (
        'test_props.py::test_renamed', 'test_props.py::test_passes[3]', 'test_nowhere.py::test_x')]
    pytester.makepyfile(test_props='def test_ok():\n    pass\n')
    assert run(pytester, f'--expectations={path}').ret == 0
    assert run(pytester, f'--expectations={path}', '--strict-expectations').ret == 1


def test_conditions_that_do_not_hold_leave_the_property_alone(pytester):
    properties(pytester, limit=10**7)
    path = write(pytester, '["test_props.py::test_passes[1]"]\nstatus = "skip"\nreason = "r"\n'
                           'device = "gpu"\n'
                           '["test_props.py::test_passes[2]"]\nstatus = "skip"\nreason = "r"\n'
                           'version = "<0.0.1"\n'
                           '["test_props.py::test_below_limit"]\nstatus = "skip"\nreason = "r"\n'
                           'version = ">=0.1"\n')
    run(pytester, f'--expectations={path}', '--strict-expectations').assert_outcomes(
        passed=2, skipped=1)


def test_a_replay_from_another_hypothesis_version_falls_back_to_the_search(pytester):
    properties(pytester)
    path = write(pytester, expectations.entry_toml('test_props.py::test_below_limit', 'r',
                                                   ('0.0.1', 'AAA=')))
    result = run(pytester, f'--expectations={path}')
    result.assert_outcomes(xfailed=1, passed=2)
    found, problems = outcomes(pytester)
    assert problems == ['test_props.py::test_below_limit: replay recorded with hypothesis 0.0.1, '
                        f'running {hypothesis.__version__}; searched instead '
                        '(record the counterexample in the report)']
    # ... which is the one the search found, ready to be recorded.
    assert found['test_props.py::test_below_limit']['counterexample']['hypothesis'] == \
        hypothesis.__version__


def test_an_example_stored_as_data_replays_under_any_hypothesis_version(pytester):
    """The report gives the failing example's arguments as data; an entry
    holding them replays exactly that example, with no search, even where
    its blob names another hypothesis version: the run is identical and a
    strict run passes."""
    properties(pytester)
    run(pytester).assert_outcomes(failed=1, passed=2)
    found, _ = outcomes(pytester)
    record = found['test_props.py::test_below_limit']
    assert examples.loads(record['example']) == {'x': 500}
    path = write(pytester, expectations.entry_toml(
        'test_props.py::test_below_limit', 'declared', ('0.0.1', 'AAA='), record['example']))
    for seed in ('1', '2'):
        (pytester.path / 'calls.txt').unlink(missing_ok=True)
        run(pytester, f'--expectations={path}', f'--hypothesis-seed={seed}',
            '--strict-expectations').assert_outcomes(xfailed=1, passed=2)
        assert (pytester.path / 'calls.txt').read_text().split() == ['500']
        assert outcomes(pytester)[1] == []


def test_an_example_that_cannot_be_built_falls_back_saying_why(pytester):
    properties(pytester)
    broken = json.dumps({'version': 1, 'arguments': {'x': {'__type__': 'gone.Scenario'}}})
    path = write(pytester, expectations.entry_toml('test_props.py::test_below_limit', 'r',
                                                   example=broken))
    run(pytester, f'--expectations={path}').assert_outcomes(xfailed=1, passed=2)
    assert outcomes(pytester)[1] == [
        "test_props.py::test_below_limit: its example cannot be replayed (the suite has no "
        "scenario class 'gone.Scenario'); searched instead"]


def test_a_replay_that_no_longer_fails_is_reported_and_the_property_searched(pytester):
    properties(pytester)
    run(pytester)
    found, _ = outcomes(pytester)
    blob = found['test_props.py::test_below_limit']['counterexample']
    path = write(pytester, expectations.entry_toml('test_props.py::test_below_limit', 'r',
                                                   (blob['hypothesis'], blob['blob'])))
    properties(pytester, limit=10**7)   # the implementation was fixed
    result = run(pytester, f'--expectations={path}')
    result.assert_outcomes(xpassed=1, passed=2)
    _, problems = outcomes(pytester)
    assert problems[0].startswith('test_props.py::test_below_limit: the stored counterexample '
                                  'no longer fails')
    assert problems[1] == 'test_props.py::test_below_limit: expected to fail but passed'


def test_entry_toml_round_trips(tmp_path):
    path = tmp_path / 'e.toml'
    path.write_text(expectations.entry_toml('t.py::test_x[a "b"]', 'why\nnot', ('6.0', 'AB==')))
    assert expectations.load(path) == [expectations.Expectation(
        't.py::test_x[a "b"]', 'xfail', 'why\nnot', replay=('6.0', 'AB=='))]



WRAPPED_CHAINER = '''
"""A namespace that forwards every name to Chainer: a Chainer-derived package."""
from conformance.chainer_compat import import_chainer
_chainer = import_chainer()
__version__ = '1.0'


def __getattr__(name):
    return getattr(_chainer, name)
'''


def test_the_chainer_preset_expects_chainers_divergences_for_any_namespace(pytester):
    """``--expectations=chainer-7.8.1``: a namespace derived from Chainer gets
    Chainer's documented divergences as expected failures, not failures."""
    from tests.meta.suite_runner import CONFORMANCE
    path = pytester.makepyfile(wrapped=WRAPPED_CHAINER)
    resume = str(CONFORMANCE / 'test_resume.py')
    plain = pytester.runpytest_subprocess(resume, f'--impl={path}')
    preset = pytester.runpytest_subprocess(resume, f'--impl={path}',
                                           '--expectations=chainer-7.8.1')
    failed = plain.parseoutcomes().get('failed', 0)
    assert failed >= 3, plain.stdout.str()[-2000:]
    outcomes = preset.parseoutcomes()
    assert preset.ret == 0 and outcomes.get('xfailed') == failed, preset.stdout.str()[-2000:]
    preset.stdout.fnmatch_lines(["conformance: expectations chainer-7.8.1: Chainer 7.8.1's "
                                 'documented divergences are expected failures'])


def _report(*properties):
    return {'properties': [dict(id=i, outcome=o, message=m, counterexample=c)
                           for i, o, m, c in properties]}


def test_update_adds_an_entry_per_new_failure_and_lists_entries_that_pass():
    existing = expectations.entry_toml('test_a.py::test_kept', 'known')
    existing += '\n' + expectations.entry_toml('test_a.py::test_fixed', 'was broken')
    report = _report(
        ('test_a.py::test_kept', 'failed', 'still broken', None),
        ('test_a.py::test_fixed', 'passed', None, None),
        ('test_a.py::test_new', 'failed', 'AssertionError: lr is 0.1\nmore',
         {'hypothesis': '6.170.15', 'blob': 'AAEC'}),
        ('test_a.py::test_fine', 'passed', None, None))
    text, added, passing = expectations.update(report, existing)
    assert added == ['test_a.py::test_new'] and passing == ['test_a.py::test_fixed']
    assert text.startswith(existing)
    tables = tomllib.loads(text)
    assert tables['test_a.py::test_new'] == {
        'status': 'xfail', 'reason': 'TODO: why (AssertionError: lr is 0.1)',
        'replay': {'hypothesis': '6.170.15', 'blob': 'AAEC'}}
    assert tables['test_a.py::test_kept']['reason'] == 'known'


def test_update_command_names_a_report_that_is_not_json(tmp_path, capsys):
    report = tmp_path / 'report.json'
    report.write_text('not json')
    with pytest.raises(SystemExit) as stopped:
        expectations.main(['update', str(report), '-o', str(tmp_path / 'expect.toml')])
    assert stopped.value.code == 2
    assert f'{report} is not a JSON report' in capsys.readouterr().err
    assert not (tmp_path / 'expect.toml').exists()
