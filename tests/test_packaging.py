"""The suite as an alternative implementation's CI sees it: the built package
installed into a fresh virtual environment outside this repository, run as
``pytest --pyargs conformance --impl=toychainer`` on the third-party-style
package in ``tests/thirdparty`` (one declared divergence, one undeclared
bug, one declared-unsupported name).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import hypothesis
import pytest

from conformance import expectations, report

ROOT = Path(__file__).resolve().parents[1]
THIRDPARTY = ROOT / 'tests' / 'thirdparty'
EXPECTATIONS = THIRDPARTY / 'conformance-expectations.toml'
DECLARED = 'test_trigger_schedule.py::test_manual_schedule_trigger_fires_at_its_points_then_reports_finished'
# The same declared bug (a late ManualScheduleTrigger) also fails this one.
DECLARED_TOO = 'test_trigger_schedule.py::test_a_trigger_consulted_on_some_iterations_catches_up_at_its_next_call'
UNDECLARED = 'test_names.py::test_get_extension_finds_registered_names_and_rejects_others'
# The same bug (get_extension returns None for an unknown name) also fails this one.
ALSO_FAILED = 'test_names.py::test_get_extension_error_message_names_the_missing_extension'
UNSUPPORTED = {'test_trigger_schedule.py::test_once_trigger_fires_at_its_first_call_only',
               'test_trigger_schedule.py::test_restored_once_trigger_fires_again_only_with_call_on_resume'}


def _run(args, cwd, check=True, path=None):
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'PYTHONHOME')}
    if path is not None:
        env['PYTHONPATH'] = str(path)
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f'{args} exited {result.returncode}:\n{result.stdout[-4000:]}')
    return result


def _copy_project(source, target, *names):
    ignore = shutil.ignore_patterns('__pycache__', '*.pyc', 'build', '*.egg-info')
    for name in names:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, ignore=ignore)
        else:
            shutil.copy2(source / name, target / name)


def _dependency_view(directory):
    """This environment's installed packages, minus the suite itself (its
    editable install would point back into the repository)."""
    directory.mkdir()
    for entry in Path(sysconfig.get_paths()['purelib']).iterdir():
        if entry.name.startswith(('chainer_conformance', '__editable__')) \
                or entry.suffix == '.pth' or entry.name in ('conformance', 'reference'):
            continue
        (directory / entry.name).symlink_to(entry)
    return directory


@pytest.fixture(scope='module')
def venv(tmp_path_factory):
    """A fresh venv outside the repository with the built wheels installed;
    numpy, pytest and hypothesis come from this environment's site-packages."""
    work = tmp_path_factory.mktemp('packaging')
    for name, source, files in (('suite', ROOT, ('pyproject.toml', 'README.md', 'conformance',
                                                 'reference')),
                                ('toychainer', THIRDPARTY, ('pyproject.toml', 'toychainer'))):
        (work / name).mkdir()
        _copy_project(source, work / name, *files)
        _run([sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation',
              '--no-index', '-w', work / 'wheels', work / name], cwd=work)
    env = work / 'venv'
    _run([sys.executable, '-m', 'venv', '--without-pip', env], cwd=work)
    python = env / 'bin' / 'python'
    site = _run([python, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
                cwd=work).stdout.strip()
    Path(site, 'outer_dependencies.pth').write_text(f"{_dependency_view(work / 'deps')}\n")
    _run([sys.executable, '-m', 'pip', '--python', python, 'install', '-q', '--no-deps',
          '--no-index', *sorted((work / 'wheels').glob('*.whl'))], cwd=work)
    (work / 'run').mkdir()
    return python, work / 'run'


@pytest.mark.slow
def test_installed_suite_reports_a_declared_divergence_and_an_undeclared_bug(venv):
    python, cwd = venv
    where = _run([python, '-c', 'import conformance, reference, toychainer\n'
                  'print(conformance.__file__, reference.__file__, toychainer.__file__)'],
                 cwd=cwd).stdout.split()
    assert all(str(python.parents[1]) in path for path in where), where
    assert not any(str(ROOT) in path for path in where), where

    result = _run([python, '-m', 'pytest', '--pyargs', 'conformance.test_trigger_schedule',
                   'conformance.test_names', '--impl=toychainer', f'--expectations={EXPECTATIONS}',
                   '--hypothesis-profile=ci', '--report=report.json', '--report=report.md',
                   '--repro-dir=repro', '-p', 'no:cacheprovider'], cwd=cwd, check=False)
    assert result.returncode == 1, result.stdout[-4000:]
    assert 'conformance: reproduce this failure' in result.stdout
    document = json.loads((cwd / 'report.json').read_text())
    assert report.validate(document) == []
    assert (cwd / 'report.md').read_text().startswith('# Chainer conformance: toychainer 1.0.0')
    assert document['implementation']['resolved_as'] == 'entry point'
    assert document['implementation']['file'].endswith(os.path.join('toychainer', 'chainer_api.py'))
    assert document['expectations']['problems'] == []

    by_outcome = {}
    for prop in document['properties']:
        by_outcome.setdefault(prop['outcome'], {})[prop['id']] = prop
    assert set(by_outcome) == {'passed', 'failed', 'xfailed', 'unsupported'}
    assert sorted(by_outcome['xfailed']) == sorted([DECLARED, DECLARED_TOO])
    assert sorted(by_outcome['failed']) == sorted([UNDECLARED, ALSO_FAILED])
    assert set(by_outcome['unsupported']) == UNSUPPORTED
    stored = expectations.load(EXPECTATIONS)[0].replay
    if stored[0] == hypothesis.__version__:   # else: searched again, and the problem listed
        replayed = by_outcome['xfailed'][DECLARED]['counterexample']
        assert (replayed['hypothesis'], replayed['blob']) == stored

    failure = by_outcome['failed'][UNDECLARED]
    script = Path(failure['repro_file'])
    assert script.read_text() == failure['repro']
    reproduced = _run([python, script], cwd=cwd, check=False)
    assert reproduced.returncode == 1, reproduced.stdout[-4000:]
    assert 'test_get_extension_finds_registered_names_and_rejects_others FAILED' in \
        reproduced.stdout or '1 failed' in reproduced.stdout, reproduced.stdout[-4000:]
    on_reference = _run([python, script, 'reference'], cwd=cwd, check=False)
    assert on_reference.returncode == 0, on_reference.stdout[-4000:]


# A hypothesis release other than the one in use, for the strict run below.
OTHER_HYPOTHESIS = '6.170.27' if hypothesis.__version__ != '6.170.27' else '6.170.23'


@pytest.mark.slow
def test_expectations_written_by_update_hold_under_another_hypothesis_release(venv):
    """docs/implementers.md's loop: run, ``python -m conformance.expectations
    update``, then strict runs with the file it wrote, under this hypothesis
    and under another release (the examples replay as data)."""
    python, cwd = venv
    suite = [python, '-m', 'pytest', '--pyargs', 'conformance.test_trigger_schedule',
             'conformance.test_names', '--impl=toychainer', '--hypothesis-profile=ci',
             '-p', 'no:cacheprovider']
    first = _run([*suite, '--report=first.json'], cwd=cwd, check=False)
    assert first.returncode == 1, first.stdout[-4000:]
    _run([python, '-m', 'conformance.expectations', 'update', 'first.json',
          '-o', 'written.toml'], cwd=cwd)
    written = expectations.load(cwd / 'written.toml')
    assert sorted(e.id for e in written) == sorted([DECLARED, DECLARED_TOO, UNDECLARED,
                                                    ALSO_FAILED])
    assert all(e.example for e in written if e.id == DECLARED)
    other = cwd.parent / 'other-hypothesis'
    _run([sys.executable, '-m', 'pip', 'install', '-q', '--no-deps', '--target', other,
          f'hypothesis=={OTHER_HYPOTHESIS}'], cwd=cwd)
    for path, version in ((None, hypothesis.__version__), (other, OTHER_HYPOTHESIS)):
        strict = _run([*suite, '--expectations=written.toml', '--strict-expectations',
                       '--report=strict.json'], cwd=cwd, check=False, path=path)
        document = json.loads((cwd / 'strict.json').read_text())
        assert document['hypothesis']['version'] == version
        assert strict.returncode == 0, (version, strict.stdout[-4000:])
        assert document['expectations']['problems'] == []
        xfailed = sorted(p['id'] for p in document['properties'] if p['outcome'] == 'xfailed')
        assert xfailed == sorted([DECLARED, DECLARED_TOO, UNDECLARED, ALSO_FAILED]), version


def test_the_ci_workflow_uses_only_options_the_plugin_defines(pytester):
    workflow = (ROOT / 'docs' / 'ci-workflow.yml').read_text()
    used = set(re.findall(r'(--[a-z][a-z-]+)=?', workflow.split('Run the suite', 1)[1]))
    assert {'--impl', '--expectations', '--strict-expectations', '--report', '--repro-dir'} <= used
    help_text = pytester.runpytest('--help').stdout.str()
    assert [option for option in sorted(used) if option not in help_text] == []
