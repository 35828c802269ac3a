"""Black-box tests of the pytest plugin: --impl resolution, usage errors,
the run header, missing names and seed reproducibility."""
import os

import pytest

NAMESPACE_WITHOUT_ONCE = '''
"""A namespace whose training.triggers has IntervalTrigger but no OnceTrigger."""
import types
__version__ = '9.9'
training = types.SimpleNamespace(triggers=types.SimpleNamespace(IntervalTrigger=object))
'''

USES_ONCE = '''
def test_uses_once(ns):
    ns.training.triggers.OnceTrigger()
'''


def test_unknown_impl_is_a_usage_error(pytester):
    result = pytester.runpytest('--impl=no_such_module_xyz')
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([
        "*--impl=no_such_module_xyz: no module named 'no_such_module_xyz'*"
        "Accepted forms: 'reference', 'chainer'*"])


def test_module_that_fails_to_import_is_a_usage_error(pytester):
    pytester.makepyfile(broken_ns='raise RuntimeError("boom at import")')
    result = pytester.runpytest('--impl=broken_ns', '-p', 'no:randomly')
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ['*--impl=broken_ns: the module does not import: RuntimeError: boom at import*'])


def test_missing_file_is_a_usage_error(pytester):
    result = pytester.runpytest('--impl=nowhere/ns.py')
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(['*--impl=nowhere/ns.py: no such file*'])


def test_gpu_without_cuda_is_a_usage_error(pytester):
    try:
        import cupy  # NOQA
        pytest.skip('a CuPy installation is present; this checks machines without one')
    except ImportError:
        pass
    result = pytester.runpytest('--device=gpu')
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(['*--device=gpu needs CuPy and a CUDA device*'])


def test_header_names_implementation_device_profile_and_seed(pytester):
    path = pytester.makepyfile(my_ns=NAMESPACE_WITHOUT_ONCE)
    pytester.makepyfile(test_x='def test_ok(ns):\n    assert ns.training\n')
    result = pytester.runpytest(f'--impl={path}', '--hypothesis-seed=1234',
                                '--hypothesis-profile=ci')
    result.stdout.fnmatch_lines([
        f'conformance: implementation my_ns 9.9 ({path})',
        "conformance: device cpu, hypothesis profile 'ci', seed 1234 "
        f'(reproduce with --impl={path} --hypothesis-profile=ci --hypothesis-seed=1234)',
    ])
    assert result.ret == 0


def test_default_implementation_is_the_reference(pytester):
    pytester.makepyfile(test_x='''
def test_which(impl):
    assert impl.name == 'reference'
''')
    pytester.runpytest().assert_outcomes(passed=1)


def test_file_path_impl_and_missing_name_fails_naming_it(pytester):
    path = pytester.makepyfile(my_ns=NAMESPACE_WITHOUT_ONCE)
    pytester.makepyfile(test_once=USES_ONCE)
    result = pytester.runpytest(f'--impl={path}')
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ['*ImplementationLacks: implementation lacks training.triggers.OnceTrigger*'])


SEED_PROBE = '''
from hypothesis import given, strategies as st
def test_probe(tmp_path_factory):
    pass
@given(st.integers(0, 10**9))
def test_draws(x):
    with open("draws.txt", "a") as f:
        f.write(f"{x}\\n")
'''


def test_same_seed_reproduces_the_same_examples(pytester):
    pytester.makepyfile(test_seed=SEED_PROBE)
    runs = []
    for _ in range(2):
        draws = pytester.path / 'draws.txt'
        if draws.exists():
            draws.unlink()
        pytester.runpytest_subprocess('--hypothesis-seed=77', '--hypothesis-profile=dev')
        runs.append(draws.read_text())
    assert runs[0] == runs[1] and runs[0]


def test_unknown_profile_is_a_usage_error(pytester):
    result = pytester.runpytest('--hypothesis-profile=no_such_profile')
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(['*--hypothesis-profile=no_such_profile: no such profile; '
                                 'the suite has ci, dev, thorough, meta*'])


def test_empty_impl_is_a_usage_error(pytester):
    result = pytester.runpytest('--impl=')
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--impl is empty; give 'reference', 'chainer'*"])


def test_a_namespace_lacking_most_names_stops_with_one_summary(pytester):
    from tests.meta.suite_runner import CONFORMANCE
    path = pytester.makepyfile(int_training='training = 3\n')
    result = pytester.runpytest_subprocess(str(CONFORMANCE / 'test_names.py'),
                                           f'--impl={path}')
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    output = result.stdout.str() + result.stderr.str()
    assert 'lacks 16 of the 16 names nearly every property needs' in output, output
    assert 'training (a module of names; found the int 3)' in output, output
    assert 'passed' not in output and 'Traceback' not in output, output


USER_TESTS = '''
import hypothesis
from hypothesis import given, strategies as st

SEEN = hypothesis.settings.default


@given(st.integers())
def test_users_property(x):
    with open("calls.txt", "a") as f:
        f.write("x\\n")


def test_record_settings():
    with open("settings.txt", "w") as f:
        f.write(repr((SEEN.max_examples, SEEN.deadline, SEEN.derandomize,
                      type(SEEN.database).__name__)))
'''


@pytest.mark.parametrize('ci', ['', '1'])
def test_a_users_own_hypothesis_tests_keep_their_settings(pytester, monkeypatch, ci):
    """The suite's profiles, seed, deadline and database apply to its own
    properties only: a user's hypothesis tests collected in the same session
    run exactly as they do without the plugin (CI set or not)."""
    from tests.meta.suite_runner import CONFORMANCE
    monkeypatch.setenv('CI', ci)
    pytester.makepyfile(test_users=USER_TESTS)
    seen = []
    for plugin in ([], ['-p', 'no:chainer_conformance']):
        for name in ('calls.txt', 'settings.txt'):
            (pytester.path / name).unlink(missing_ok=True)
        suite = [] if plugin else [str(CONFORMANCE / 'test_names.py'), '--impl=reference']
        result = pytester.runpytest_subprocess('test_users.py', *suite, *plugin)
        assert result.ret == 0, result.stdout.str()[-3000:]
        seen.append(((pytester.path / 'settings.txt').read_text(),
                     len((pytester.path / 'calls.txt').read_text().split())))
    with_suite, without = seen
    assert with_suite == without, f'with the suite {with_suite}, without it {without}'


def test_scratch_directories_of_dead_sessions_are_removed(tmp_path, monkeypatch):
    """A killed run leaves its in-memory scratch directory behind; the next
    session removes it, and keeps those of live processes and other files."""
    import subprocess
    import sys
    from conformance import plugin
    monkeypatch.setattr(plugin, 'MEMORY_FILESYSTEM', str(tmp_path))
    gone = subprocess.Popen([sys.executable, '-c', 'pass'])
    gone.wait()
    for name in (f'{plugin.SCRATCH_PREFIX}{gone.pid}-x', f'{plugin.SCRATCH_PREFIX}{os.getpid()}-y',
                 'someone-else', f'{plugin.SCRATCH_PREFIX}nopid'):
        (tmp_path / name).mkdir()
    plugin._remove_orphans()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([
        f'{plugin.SCRATCH_PREFIX}{os.getpid()}-y', 'someone-else', f'{plugin.SCRATCH_PREFIX}nopid'])


def test_the_memory_filesystem_is_used_only_where_it_exists_with_room(tmp_path, monkeypatch):
    from conformance import plugin
    monkeypatch.setattr(plugin, 'MEMORY_FILESYSTEM', str(tmp_path / 'missing'))
    assert not plugin._memory_filesystem_fits()
    monkeypatch.setattr(plugin, 'MEMORY_FILESYSTEM', str(tmp_path))
    monkeypatch.setattr(plugin, 'MEMORY_NEEDED', 1)
    assert plugin._memory_filesystem_fits()
    monkeypatch.setattr(plugin, 'MEMORY_NEEDED', 1 << 60)
    assert not plugin._memory_filesystem_fits()
