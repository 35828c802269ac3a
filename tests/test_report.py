"""Reports: the JSON document against its schema, the Markdown rendering,
reproduction scripts, and the merge of several runs into one matrix."""
import copy
import json
import subprocess
import sys

import pytest
import reference  # NOQA: imported once here, not by each in-process pytester run

from conformance import report

NAMESPACE = '''
"""The reference, minus NesterovAG (declared) and AdaDelta (not declared)."""
import types
import reference
__version__ = '2.0'
__conformance__ = {'unsupported': {'families': ['lifecycle'], 'names': ['optimizers.NesterovAG']}}
optimizers = types.SimpleNamespace(SGD=reference.optimizers.SGD)
def __getattr__(name):
    return getattr(reference, name)
'''

PROPERTIES = '''
import pytest
from hypothesis import given, strategies as st
from conformance.spec import diverges, rule

S = 'chainer/training/trainer.py:Trainer.extend@v7.8.1'


@rule('names', source=S)
def test_passes(ns):
    assert ns.optimizers.SGD


@rule('names', source=S, level='quirk')
@diverges('chainer', reason='Chainer draws no large numbers', source=S)
@given(st.integers(0, 100))
def test_fails(x):
    assert x < 30, f'{x} is too large'


@rule('update-formulas', source=S)
def test_uses_nesterov(ns):
    ns.optimizers.NesterovAG()


@rule('update-formulas', source=S)
def test_uses_adadelta(ns):
    ns.optimizers.AdaDelta()


@rule('lifecycle', source=S)
def test_not_run(ns):
    raise AssertionError('a declared-unsupported family must not run')


@rule('names', source=S)
def test_expected(ns):
    assert False, 'declared'
'''

EXPECTED = '["test_props.py::test_expected"]\nstatus = "xfail"\nreason = "known"\n'


@pytest.fixture
def produced(pytester):
    """A run with every outcome; returns (result, JSON report, Markdown text)."""
    impl = pytester.makepyfile(my_ns=NAMESPACE)
    pytester.makepyfile(test_props=PROPERTIES)
    expected = pytester.makefile('.toml', expectations=EXPECTED)
    result = pytester.runpytest(f'--impl={impl}', f'--expectations={expected}',
                                '--hypothesis-profile=ci', '--report=out/r.json',
                                '--report=out/r.md', '--repro-dir=repro')
    document = json.loads((pytester.path / 'out' / 'r.json').read_text())
    return result, document, (pytester.path / 'out' / 'r.md').read_text()


def test_report_matches_its_schema_and_records_every_outcome(produced, pytester):
    result, document, _ = produced
    assert report.validate(document) == []
    assert document['implementation']['name'] == 'my_ns'
    assert document['implementation']['version'] == '2.0'
    assert document['implementation']['resolved_as'] == 'file'
    assert (document['device'], document['hypothesis']['profile'],
            document['hypothesis']['seed'], document['hypothesis']['max_examples']) == \
        ('cpu', 'ci', '0', 25)
    assert document['unsupported'] == {'families': ['lifecycle'],
                                       'names': ['optimizers.NesterovAG'], 'devices': []}
    outcome = {p['id'].split('::')[1]: p['outcome'] for p in document['properties']}
    assert outcome == {'test_passes': 'passed', 'test_fails': 'failed',
                       'test_uses_nesterov': 'unsupported', 'test_uses_adadelta': 'failed',
                       'test_not_run': 'unsupported', 'test_expected': 'xfailed'}
    assert document['summary'] == {
        'lifecycle': dict(passed=0, failed=0, xfailed=0, unsupported=1, skipped=0, lacks=0),
        'names': dict(passed=1, failed=1, xfailed=1, unsupported=0, skipped=0, lacks=0),
        'update-formulas': dict(passed=0, failed=1, xfailed=0, unsupported=1, skipped=0,
                                lacks=1)}
    # A failure on the rule and one for a missing name are told apart.
    failure = {p['id'].split('::')[1]: p['failure'] for p in document['properties']}
    assert (failure['test_fails'], failure['test_uses_adadelta'], failure['test_passes']) == \
        ('rule', 'lacks', None)
    # The pytest summary line counts unsupported apart from skipped.
    result.stdout.fnmatch_lines(['*2 failed, 1 passed, 1 xfailed, 2 unsupported*'])
    result.stdout.fnmatch_lines(['*conformance matrix: my_ns 2.0*',
                                 'family*passed*failed (rule)*failed (lacks)*xfailed*unsupported*skipped',
                                 'lifecycle*0*0*0*0*1*0',
                                 'names*1*1*0*1*0*0',
                                 'update-formulas*0*0*1*0*1*0'])


def test_failures_carry_message_metadata_and_a_runnable_script(produced, pytester):
    result, document, markdown = produced
    props = {p['id'].split('::')[1]: p for p in document['properties']}
    fails = props['test_fails']
    assert (fails['family'], fails['level'], fails['source']) == (
        'names', 'quirk', 'chainer/training/trainer.py:Trainer.extend@v7.8.1')
    assert fails['message'] == 'AssertionError: 30 is too large'
    assert fails['counterexample']['blob']
    assert props['test_uses_adadelta']['message'] == \
        'conformance.namespace.ImplementationLacks: implementation lacks optimizers.AdaDelta'
    assert props['test_uses_nesterov']['reason'] == 'optimizers.NesterovAG is declared unsupported'
    assert props['test_expected']['reason'] == 'known'
    script = pytester.path / 'repro' / 'repro_test_fails.py'
    assert script.read_text() == fails['repro']
    compile(fails['repro'], str(script), 'exec')
    assert repr(fails['counterexample']['blob']) in fails['repro']
    S = 'chainer/training/trainer.py:Trainer.extend@v7.8.1'
    result.stdout.fnmatch_lines(['*conformance: reproduce this failure*',
                                 f'# written to {script}'])
    # Failures grouped by cause, marked when Chainer fails them too, their
    # scripts beside the report with relative links, and totals per level.
    assert ('## Failures: 2 properties (1 on their rule, 1 for a name or argument the '
            'implementation lacks), 2 causes, 1 of them failed by Chainer 7.8.1 too') \
        in markdown
    assert "### 1 × `AssertionError: N is too large`" in markdown
    assert ('- `test_props.py::test_fails` (names, quirk) — **Chainer 7.8.1 fails it too** '
            '(documented divergence); reproduce: [`r-repro/repro_test_fails.py`]'
            '(r-repro/repro_test_fails.py)') in markdown
    assert (pytester.path / 'out' / 'r-repro' / 'repro_test_fails.py').read_text() == \
        fails['repro']
    assert fails['repro'].rstrip() not in markdown
    assert fails['chainer_diverges'] == f'Chainer draws no large numbers [{S}]'
    assert props['test_passes']['chainer_diverges'] is None
    assert '| quirk | 0 | 1 | 0 | 0 | 0 |' in markdown
    assert '| names | 1 | 1 | 0 | 1 | 0 | 0 |' in markdown
    assert '| update-formulas | 0 | 0 | 1 | 0 | 1 | 0 |' in markdown
    assert '- `test_props.py::test_expected`: known' in markdown


def test_the_validator_rejects_what_the_schema_forbids(produced):
    _, document, _ = produced
    broken = []
    for change in (lambda d: d.pop('device'),
                   lambda d: d['properties'][0].update(outcome='exploded'),
                   lambda d: d['hypothesis'].update(max_examples='many'),
                   lambda d: d['summary']['names'].update(passed=-1),
                   lambda d: d.update(extra=1),
                   lambda d: d['implementation'].update(version=None)):
        document_copy = copy.deepcopy(document)
        change(document_copy)
        broken.append(report.validate(document_copy))
    assert [len(errors) for errors in broken] == [1] * 6, broken
    assert broken[0] == ["$: missing 'device'"]
    assert broken[1][0].startswith("$.properties[0].outcome: 'exploded' is not one of")


def test_reports_merge_into_one_matrix(produced, pytester, tmp_path):
    _, document, _ = produced
    first = tmp_path / 'a.json'
    first.write_text(json.dumps(document))
    other = copy.deepcopy(document)
    other['implementation'].update(name='reference', version='0.1.0')
    other['summary'] = {'names': dict(passed=3, failed=0, xfailed=0, unsupported=0, skipped=0)}
    other['properties'] = [dict(p, outcome='passed') for p in document['properties']
                           if p['family'] == 'names']
    second = tmp_path / 'b.json'
    second.write_text(json.dumps(other))
    out = tmp_path / 'matrix.md'
    done = subprocess.run([sys.executable, '-m', 'conformance.report', 'merge', str(first),
                           str(second), '-o', str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    matrix = out.read_text()
    assert '| family | my_ns 2.0 · cpu | reference 0.1.0 · cpu |' in matrix
    assert '| names | 1 passed, **1 failed**, 1 xfailed | 3 passed |' in matrix
    assert '| lifecycle | 1 unsupported | - |' in matrix
    assert '| `test_props.py::test_not_run` | lifecycle | must | unsupported | - |' in matrix
    assert '| `test_props.py::test_fails` | names | quirk | **failed** | passed |' in matrix


def test_merge_refuses_a_file_that_is_not_a_report(tmp_path):
    bad = tmp_path / 'bad.json'
    bad.write_text('{"format": "something else"}')
    done = subprocess.run([sys.executable, '-m', 'conformance.report', 'merge', str(bad)],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert f'{bad} is not a chainer-conformance-report/1 report' in done.stderr


def test_report_path_must_say_its_format(pytester):
    result = pytester.runpytest('--report=out.txt')
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(['*--report=out.txt: the file name must end in .json or .md*'])


def test_the_schema_file_is_valid_json_describing_every_key(produced):
    _, document, _ = produced
    schema = report.load_schema()
    assert set(schema['required']) == set(document) == set(schema['properties'])
    record = schema['properties']['properties']['items']
    # chainer_diverges, example and failure are optional: reports of earlier
    # runs still validate.
    assert set(record['required']) | {'chainer_diverges', 'example', 'failure'} \
        == set(document['properties'][0]) \
        == set(record['properties'])
