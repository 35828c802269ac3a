"""Choosing what runs: ``--impl`` through the entry-point group,
``--max-examples``, and capability declarations (``__conformance__``)."""
import pytest
import reference  # NOQA: imported once here, not by each in-process pytester run

from conformance import capabilities, devices, loader
from conformance.namespace import ImplementationLacks

FAKE_NAMESPACE = '''
import types
__version__ = '3.1'
training = types.SimpleNamespace(name='fake')
'''

USES_TRAINING = '''
def test_which(impl, ns):
    assert (impl.name, impl.resolved_as, ns.training.name) == EXPECTED
'''


def _register(pytester, name, value):
    """A distribution on sys.path that registers ``name = value`` for the suite."""
    info = pytester.mkdir('fake_impl-1.0.dist-info')
    (info / 'METADATA').write_text('Metadata-Version: 2.1\nName: fake-impl\nVersion: 1.0\n')
    (info / 'entry_points.txt').write_text(
        f'[{loader.ENTRY_POINT_GROUP}]\n{name} = {value}\n')
    pytester.syspathinsert()


def test_impl_resolves_an_entry_point_before_a_module_of_the_same_name(pytester):
    pytester.makepyfile(fake_ns=FAKE_NAMESPACE, decoy='raise RuntimeError("not me")')
    _register(pytester, 'decoy', 'fake_ns')
    pytester.makepyfile(test_x="EXPECTED = ('decoy', 'entry point', 'fake')\n" + USES_TRAINING)
    result = pytester.runpytest('--impl=decoy')
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(['conformance: implementation decoy 3.1 (*fake_ns.py)'])


def test_builtin_names_come_before_entry_points(pytester):
    _register(pytester, 'reference', 'no_such_module')
    assert loader.load_implementation('reference').resolved_as == 'built-in'


def test_a_broken_entry_point_is_a_usage_error(pytester):
    _register(pytester, 'broken', 'no_such_module_xyz')
    result = pytester.runpytest('--impl=broken')
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(['*--impl=broken: the module does not import*'])


COUNTED = '''
from hypothesis import given, strategies as st

from conformance.spec import rule

@rule('names', source='chainer/training/trainer.py:Trainer.extend@v7.8.1')
@given(st.integers(0, 10**9))
def test_counted(x):
    with open('draws.txt', 'a') as f:
        f.write(f'{x}\\n')
'''


def test_max_examples_overrides_the_profile_and_shows_in_the_header(pytester):
    pytester.makepyfile(test_counted=COUNTED)
    result = pytester.runpytest('--impl=reference', '--hypothesis-profile=ci',
                                '--max-examples=7', '--hypothesis-seed=3')
    result.assert_outcomes(passed=1)
    assert len((pytester.path / 'draws.txt').read_text().split()) == 7
    result.stdout.fnmatch_lines([
        "conformance: device cpu, hypothesis profile 'ci' with max_examples=7, seed 3 "
        '(reproduce with --impl=reference --hypothesis-profile=ci --max-examples=7 '
        '--hypothesis-seed=3)'])


def test_max_examples_must_be_positive(pytester):
    result = pytester.runpytest('--max-examples=0')
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(['*--max-examples=0: give a positive number*'])


# -- capabilities -------------------------------------------------------------

def _module(declared):
    import types
    return types.SimpleNamespace(__conformance__=declared)


def test_declared_names_cover_what_is_under_them():
    caps = capabilities.Capabilities.of(_module({'unsupported': {
        'names': ['optimizers.NesterovAG', 'training.extensions']}}))
    lacks = ImplementationLacks
    assert caps.lacks_declared(lacks('optimizers.NesterovAG'))
    assert caps.lacks_declared(lacks('training.extensions.LogReport'))
    assert caps.lacks_declared(lacks('optimizers.Adam')) is None
    assert caps.lacks_declared(lacks('optimizers.NesterovAGX')) is None
    assert caps.lacks_declared(AssertionError('implementation lacks optimizers.NesterovAG')) is None
    group = ExceptionGroup('two', [lacks('optimizers.NesterovAG'),
                                   lacks('training.extensions.X')])
    assert caps.lacks_declared(group) == 'optimizers.NesterovAG, training.extensions.X'
    mixed = ExceptionGroup('two', [lacks('optimizers.NesterovAG'),
                                   AssertionError('a real failure')])
    assert caps.lacks_declared(mixed) is None


def test_declared_families_and_devices_are_not_run():
    caps = capabilities.Capabilities.of(_module({'unsupported': {
        'families': ['resume'], 'devices': ['gpu']}}))
    assert caps.why_not_run('resume', devices.Device('cpu')) == 'family resume is declared unsupported'
    assert caps.why_not_run('names', devices.Device('gpu', 1)) == 'device gpu is declared unsupported'
    assert caps.why_not_run('names', devices.Device('cpu')) is None
    assert capabilities.Capabilities.of(object()) == capabilities.Capabilities()


@pytest.mark.parametrize('declared, complaint', [
    ({'unsupported': {'family': ['resume']}}, "unknown keys ['family']"),
    ({'unsupported': {'families': ['resumes']}}, "unknown family 'resumes'"),
    ({'unsupported': {'devices': ['tpu']}}, "unknown device 'tpu'"),
    (['resume'], 'must be a dict'),
])
def test_malformed_declarations_are_rejected(declared, complaint):
    with pytest.raises(capabilities.CapabilityError, match=complaint.replace('[', r'\[')):
        capabilities.Capabilities.of(_module(declared))


def test_a_malformed_declaration_is_a_usage_error(pytester):
    path = pytester.makepyfile(my_ns="__conformance__ = {'unsupported': {'devices': ['tpu']}}")
    result = pytester.runpytest(f'--impl={path}')
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--impl={path}: __conformance__: unknown device 'tpu'*"])


def test_a_declared_device_makes_every_property_unsupported(pytester):
    path = pytester.makepyfile(my_ns="__conformance__ = {'unsupported': {'devices': ['cpu']}}")
    pytester.makepyfile(test_props='''
from conformance.spec import rule

@rule('names', source='chainer/training/trainer.py:Trainer.extend@v7.8.1')
def test_never_runs():
    raise AssertionError
''')
    result = pytester.runpytest(f'--impl={path}')
    assert result.ret == 0
    result.stdout.fnmatch_lines(['conformance: declared unsupported: devices cpu',
                                 '*1 unsupported*'])
