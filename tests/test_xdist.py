"""Under pytest-xdist (``-n 2``) a run reports what a serial run with the same
seed reports: the same properties with the same outcomes, failure kinds,
counterexamples and messages, the same expectation problems and exit status
under ``--strict-expectations``, one header, one matrix, one JSON and one
Markdown report, each failure's reproduction script written once.

The distributed run is given no seed: its controller picks one, which the
serial run is then given.  Generation depends on the seed (the meta profile
does not shrink, so a counterexample is the first failing example drawn),
so workers drawing with seeds of their own would report other
counterexamples or outcomes.  A selection of several families, one
MultiprocessIterator property among them (its forkserver workers start from
inside an xdist worker), runs on the reference and on a broken namespace.
"""
import itertools
import json
import os
import subprocess
import sys

import pytest

from tests.meta.suite_runner import BROKEN, CONFORMANCE, ROOT

SELECTION = [str(CONFORMANCE / name) for name in (
    'test_names.py', 'test_value_triggers.py', 'test_priority_ordering.py',
    'test_parallel_iterators.py::'
    'test_an_unshuffled_multiprocess_iterator_is_saved_and_loaded_as_serial_iterator')]
READER = ('test_priority_ordering.py::'
          'test_a_reader_sees_what_writers_reported_earlier_in_the_same_iteration')
# An expected failure (passes on the reference, fails on the broken
# namespace), a skip, and an entry that matches no property.
EXPECTATIONS = f'''
["{READER}"]
status = "xfail"
reason = "reuses the observation"

["test_value_triggers.py::test_resumed_time_trigger_keeps_its_next_time"]
status = "skip"
reason = "not implemented"

["test_names.py::test_no_such_property"]
status = "xfail"
reason = "matches nothing"
'''


def run(cwd, name, impl, *extra):
    """Run the selection from ``cwd`` (the same for both runs: scripts name
    it), writing into ``cwd / name``; ``(exit status, output, JSON report,
    Markdown report, names of the scripts in the repro dir)``."""
    out = cwd / name
    done = subprocess.run(
        [sys.executable, '-m', 'pytest', *SELECTION, f'--impl={impl}',
         '--hypothesis-profile=meta', '--max-examples=10', f'--rootdir={ROOT}',
         '-p', 'no:cacheprovider', '--expectations=expectations.toml',
         '--strict-expectations', f'--report={name}/report.json',
         f'--report={name}/report.md', f'--repro-dir={name}/repro', *extra],
        cwd=cwd, capture_output=True, text=True, timeout=600,
        env={k: v for k, v in os.environ.items() if k != 'CI'})
    output = done.stdout + done.stderr
    assert (out / 'report.json').exists(), output[-4000:]
    scripts = sorted(os.listdir(out / 'repro')) if (out / 'repro').exists() else []
    return (done.returncode, output, json.loads((out / 'report.json').read_text()),
            (out / 'report.md').read_text(), scripts)


def comparable(document):
    """The report without what differs from run to run (durations) or by
    directory (where scripts were written: compared by name)."""
    document = dict(document)
    document['properties'] = [
        {**{k: v for k, v in p.items() if k not in ('duration', 'repro_file')},
         'repro_file': p['repro_file'] and os.path.basename(p['repro_file'])}
        for p in document['properties']]
    return document


def matrix(output):
    """The matrix, and the expectation problems under it, as printed."""
    lines = output.split('conformance matrix', 1)[1].splitlines()[1:]
    return list(itertools.takewhile(
        lambda line: not line.startswith(('conformance report written', '=')), lines))


@pytest.mark.parametrize('impl', ['reference', 'priority_observation_reused'])
def test_a_run_on_two_workers_reports_what_a_serial_run_reports(tmp_path, impl):
    if (BROKEN / f'{impl}.py').exists():
        impl = str(BROKEN / f'{impl}.py')
    (tmp_path / 'expectations.toml').write_text(EXPECTATIONS)
    status, output, document, markdown, scripts = run(tmp_path, 'xdist', impl, '-n', '2')
    assert '2 workers [' in output, output[-3000:]
    seed = document['hypothesis']['seed']
    serial = run(tmp_path, 'serial', impl, f'--hypothesis-seed={seed}')

    assert comparable(document) == comparable(serial[2]), f'seed {seed}'
    assert markdown == serial[3], f'seed {seed}'
    assert status == serial[0] == pytest.ExitCode.TESTS_FAILED   # strict: problems fail
    assert scripts == serial[4] == sorted(
        os.path.basename(p['repro_file']) for p in document['properties'] if p['repro_file'])
    assert output.count('conformance: implementation ') == 1, output
    assert output.count('conformance matrix') == 1, output
    assert matrix(output) == matrix(serial[1])

    outcomes = {p['id']: p['outcome'] for p in document['properties']}
    families = {p['family'] for p in document['properties']}
    assert {'names', 'value-triggers', 'priority-ordering', 'iterator'} <= families
    problems = document['expectations']['problems']
    assert any('matches no property' in p for p in problems), problems
    assert outcomes['test_value_triggers.py::test_resumed_time_trigger_keeps_its_next_time'] \
        == 'skipped'
    if impl == 'reference':
        assert any('expected to fail but passed' in p for p in problems), problems
        assert outcomes[READER] == 'failed'      # XPASS(strict)
    else:
        assert outcomes[READER] == 'xfailed'
        failed = [i for i, outcome in outcomes.items() if outcome == 'failed']
        assert failed and scripts, outcomes


def test_every_outcome_and_the_expectations_are_reported_once_from_two_workers(pytester):
    """tests/test_report.py's small suite (every outcome: a declared name
    turned unsupported by a worker, a lack, an expected failure, Chainer's
    divergence) plus an expectation that matches nothing: the same report
    and summary line as serially, and ``--strict-expectations`` fails a run
    whose only problem is that entry."""
    from tests.test_report import EXPECTED, NAMESPACE, PROPERTIES
    impl = pytester.makepyfile(my_ns=NAMESPACE)
    pytester.makepyfile(test_props=PROPERTIES)
    expected = pytester.makefile('.toml', expectations=EXPECTED + (
        '["test_props.py::test_gone"]\nstatus = "xfail"\nreason = "renamed"\n'))

    def run(name, *extra):
        result = pytester.runpytest_subprocess(
            f'--impl={impl}', f'--expectations={expected}', '--hypothesis-profile=ci',
            f'--report={name}/r.json', f'--report={name}/r.md', f'--repro-dir={name}/repro',
            *extra)
        return (result, comparable(json.loads((pytester.path / name / 'r.json').read_text())),
                (pytester.path / name / 'r.md').read_text())

    serial, distributed = run('serial'), run('xdist', '-n', '2')
    assert distributed[1:] == serial[1:]
    assert distributed[1]['expectations']['problems'] == [
        'test_props.py::test_gone: matches no property of this suite']
    for result in (serial[0], distributed[0]):
        assert result.ret == pytest.ExitCode.TESTS_FAILED
        result.stdout.fnmatch_lines(['*2 failed, 1 passed, 1 xfailed, 2 unsupported*'])
    assert matrix(distributed[0].stdout.str()) == matrix(serial[0].stdout.str())
    assert sorted(os.listdir(pytester.path / 'xdist' / 'repro')) == [
        'repro_test_fails.py', 'repro_test_uses_adadelta.py']

    passing = run('strict', '-n', '2', '-k', 'test_passes', '--strict-expectations')[0]
    assert passing.ret == pytest.ExitCode.TESTS_FAILED, passing.stdout.str()
    passing.stdout.fnmatch_lines(['*expectation problems (errors under --strict-expectations):',
                                  '  test_props.py::test_gone: matches no property*',
                                  '*= 1 passed in *'])


def test_a_namespace_lacking_most_names_stops_the_workers_with_one_summary(pytester):
    path = pytester.makepyfile(int_training='training = 3\n')
    result = pytester.runpytest_subprocess(str(CONFORMANCE / 'test_names.py'),
                                           f'--impl={path}', '-n', '2')
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    output = result.stdout.str() + result.stderr.str()
    assert output.count('lacks 16 of the 16 names nearly every property needs') == 1, output
    assert 'INTERNALERROR' not in output and 'Traceback' not in output, output
