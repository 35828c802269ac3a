"""pytest plugin: ``--impl`` and ``--device`` selection, the run header,
declared capabilities and expectations, the per-family matrix, reports and
reproduction scripts, and Chainer's documented divergences as strict
expected failures.

Registered through the ``pytest11`` entry point, so both ``pytest conformance``
in this repository and ``pytest --pyargs conformance`` elsewhere load it.
"""
import contextlib
import dataclasses
import functools
import importlib.metadata
import os
import pathlib
import random

import hypothesis
import pytest
from hypothesis.errors import DidNotReproduce, InvalidArgument

from conformance import (capabilities, devices, examples, expectations, loader, profiles,
                         report, repro, script, script_checks, spec)
from conformance.namespace import CORE_NAMES, Namespace, lacking

pytest_plugins = ['conformance.user_extension']

_IMPL_KEY = pytest.StashKey()
_CAPS_KEY = pytest.StashKey()
_DEVICE_KEY = pytest.StashKey()
_SEED_KEY = pytest.StashKey()
_RUN_KEY = pytest.StashKey()

SUITE_DIR = pathlib.Path(__file__).resolve().parent
# --expectations=chainer-7.8.1: Chainer's @diverges marks hold for any namespace.
CHAINER_PRESET = 'chainer-7.8.1'
# What ``hypothesis.reproduce_failure`` sets on a test; read back to undo it,
# since parametrizations of one property share the function.
_REPLAY_ATTRIBUTE = '_hypothesis_internal_use_reproduce_failure'


@dataclasses.dataclass
class _Run:
    """What this session learns about its properties, keyed by node id."""
    profile: str
    settings: object              # the suite's hypothesis.settings
    max_examples_option: int = None
    seed: object = None
    expectations_file: str = None
    chainer_preset: bool = False  # --expectations=chainer-7.8.1
    entries: list = dataclasses.field(default_factory=list)
    problems: list = dataclasses.field(default_factory=list)
    meta: dict = dataclasses.field(default_factory=dict)          # property metadata
    expected: dict = dataclasses.field(default_factory=dict)      # applied Expectation
    replays: dict = dataclasses.field(default_factory=dict)       # counterexample to replay
    data_replays: dict = dataclasses.field(default_factory=dict)  # arguments to replay
    arguments: dict = dataclasses.field(default_factory=dict)     # of the last example run
    unsupported: dict = dataclasses.field(default_factory=dict)   # reason
    records: dict = dataclasses.field(default_factory=dict)       # report entry
    written: list = dataclasses.field(default_factory=list)


def pytest_addoption(parser):
    group = parser.getgroup('chainer-conformance', 'Chainer conformance suite')
    group.addoption(
        '--impl', default=None, metavar='IMPL',
        help=f'implementation under test: {loader.ACCEPTED_FORMS} (default: reference)')
    group.addoption(
        '--device', default='cpu', metavar='DEVICE',
        help='where parameters, gradients and states live: cpu, gpu (CuPy device 0) '
             'or gpu:N (default: cpu)')
    group.addoption(
        '--expectations', action='append', default=[], metavar='PATH.toml',
        help="the implementation's expected failures and skips (docs/implementers.md); "
             f"'{CHAINER_PRESET}' declares Chainer 7.8.1's documented divergences "
             '(for namespaces derived from Chainer); both may be given')
    group.addoption(
        '--strict-expectations', action='store_true',
        help='fail the run if an expectation matches nothing, an expected failure '
             'passes, or a stored counterexample no longer applies')
    group.addoption(
        '--max-examples', type=int, default=None, metavar='N',
        help="examples per property, overriding the hypothesis profile's")
    group.addoption(
        '--report', action='append', default=[], metavar='PATH',
        help='write the results as JSON (PATH.json) or Markdown (PATH.md); repeatable')
    group.addoption(
        '--repro-dir', default=None, metavar='DIR',
        help='write a runnable reproduction script for each failure into DIR')


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'conformance(family, level, source): metadata of a conformance property')
    config.addinivalue_line(
        'markers', 'diverges(impl, reason, source): known divergence of one implementation')
    for path in config.getoption('report'):
        if not path.endswith(('.json', '.md')):
            raise pytest.UsageError(f'--report={path}: the file name must end in .json or .md')
    run = config.stash[_RUN_KEY] = _configure_hypothesis(config)
    try:
        config.stash[_DEVICE_KEY] = devices.parse(config.getoption('device'))
        devices.use(config.stash[_DEVICE_KEY])
    except devices.DeviceError as e:
        raise pytest.UsageError(str(e)) from None
    for path in config.getoption('expectations'):
        if path == CHAINER_PRESET:
            run.chainer_preset = True
            continue
        if run.expectations_file is not None:
            raise pytest.UsageError(f'--expectations={path}: one expectations file per run '
                                    f'(already {run.expectations_file}); the preset '
                                    f'{CHAINER_PRESET} can be given beside it')
        run.expectations_file = os.path.abspath(path)
        try:
            run.entries = expectations.load(path)
        except expectations.ExpectationsError as e:
            raise pytest.UsageError(str(e)) from None
    if config.getoption('impl') is not None or _runs_the_suite(config):
        _load(config)


def _configure_hypothesis(config):
    """The suite's profile (``--hypothesis-profile`` when it names one of the
    suite's, ``--max-examples`` overriding) and seed (``--hypothesis-seed``,
    else 0 under ``ci`` and a fresh one elsewhere): the run's record.

    Nothing is loaded globally: ``pytest_collection_modifyitems`` applies
    them to the suite's properties only, so a user's own hypothesis tests in
    the same session keep their settings.  A profile of the suite's is taken
    off the option so that hypothesis's own plugin does not load it for
    every test; any other name is left to hypothesis, once it is known.
    """
    given = config.getoption('hypothesis_profile', None)
    if given in profiles.PROFILES:
        config.option.hypothesis_profile = None
    elif given is not None:
        try:
            hypothesis.settings.get_profile(given)
        except InvalidArgument:
            raise pytest.UsageError(
                f'--hypothesis-profile={given}: no such profile; the suite has '
                f'{", ".join(profiles.PROFILES)}, and no hypothesis profile of '
                'that name is registered') from None
    base = given if given in profiles.PROFILES else profiles.default_profile()
    count = config.getoption('max_examples')
    if count is not None and count < 1:
        raise pytest.UsageError(f'--max-examples={count}: give a positive number')
    seed = config.getoption('hypothesis_seed', None)
    if seed is None:
        seed = profiles.CI_SEED if base == 'ci' else random.randrange(2 ** 32)
    seed = int(seed) if str(seed).isdigit() else seed
    config.stash[_SEED_KEY] = str(seed)
    return _Run(profile=base, settings=profiles.settings(base, count),
                max_examples_option=count, seed=seed)


def _runs_the_suite(config):
    """Whether the command line selects (part of) the conformance package.

    Only then is the default implementation imported at start-up, so that
    ``pytest tests`` does not depend on the reference importing.
    """
    for arg in config.args:
        target = arg.split('::')[0]
        if config.option.pyargs and target.split('.')[0] == 'conformance':
            return True
        path = (config.invocation_params.dir / target).resolve()
        if path == SUITE_DIR or SUITE_DIR in path.parents or path in SUITE_DIR.parents:
            return True
    return False


def _load(config):
    spec = config.getoption('impl')
    if spec is not None and not spec.strip():
        raise pytest.UsageError(f'--impl is empty; give {loader.ACCEPTED_FORMS}')
    try:
        impl = loader.load_implementation(spec or 'reference',
                                          search_dir=config.invocation_params.dir)
        config.stash[_CAPS_KEY] = capabilities.Capabilities.of(impl.module)
    except loader.ImplementationError as e:
        raise pytest.UsageError(str(e)) from None
    except capabilities.CapabilityError as e:
        raise pytest.UsageError(f'--impl={impl.spec}: {e}') from None
    config.stash[_IMPL_KEY] = impl
    return impl


def implementation(config):
    """The implementation under test, imported on first use."""
    if _IMPL_KEY not in config.stash:
        try:
            _load(config)
        except pytest.UsageError as e:
            pytest.exit(str(e), returncode=pytest.ExitCode.USAGE_ERROR)
    return config.stash[_IMPL_KEY]


def _profile_text(config):
    run = config.stash[_RUN_KEY]
    shown = f'hypothesis profile {run.profile!r}'
    option = f'--hypothesis-profile={run.profile}'
    if run.max_examples_option is not None:
        shown += f' with max_examples={run.max_examples_option}'
        option += f' --max-examples={run.max_examples_option}'
    return shown, option


def _run_line(config):
    """Device, profile and seed, with the options that reproduce the run."""
    impl, (shown, option) = config.stash[_IMPL_KEY], _profile_text(config)
    seed = config.stash[_SEED_KEY]
    return (f'device {config.stash[_DEVICE_KEY]}, {shown}, seed {seed} '
            f'(reproduce with --impl={impl.spec} {option} --hypothesis-seed={seed})')


def pytest_report_header(config):
    if _IMPL_KEY not in config.stash:
        return None
    impl, run = config.stash[_IMPL_KEY], config.stash[_RUN_KEY]
    lines = [f'conformance: implementation {impl.describe()}',
             f'conformance: {_run_line(config)}']
    if impl.name == 'chainer':
        lines.append('conformance: chainer shims applied: '
                     + ('; '.join(impl.shims) if impl.shims else 'none'))
    declared = config.stash[_CAPS_KEY].describe()
    if declared:
        lines.append(f'conformance: declared unsupported: {declared}')
    if run.chainer_preset:
        lines.append(f"conformance: expectations {CHAINER_PRESET}: Chainer 7.8.1's documented "
                     'divergences are expected failures')
    if run.expectations_file:
        lines.append(f'conformance: expectations {run.expectations_file} '
                     f'({len(run.entries)} entries'
                     + (', strict)' if config.getoption('strict_expectations') else ')'))
    return lines


@pytest.fixture(scope='session')
def impl(request):
    """The ``loader.Implementation`` under test."""
    return implementation(request.config)


@pytest.fixture(scope='session')
def ns(impl):
    """The implementation's Chainer-API namespace (``ns.training.Trainer``, ...)."""
    return Namespace(impl.module)


@pytest.fixture(scope='session')
def device(request):
    """The ``devices.Device`` properties place arrays on."""
    return request.config.stash[_DEVICE_KEY]


@pytest.fixture(scope='session')
def out_dir(tmp_path_factory):
    """A scratch directory for ``Trainer(out=...)`` and snapshot files."""
    return str(tmp_path_factory.mktemp('trainer_out'))


def property_id(item):
    """``test_file.py::test_name[params]``: the id expectations and reports use."""
    return f"{item.path.name}::{item.nodeid.split('::', 1)[1]}"


@pytest.hookimpl(tryfirst=True)   # before -k/-m deselection: expectations see every property
def pytest_collection_modifyitems(config, items):
    run = config.stash[_RUN_KEY]
    marked = [item for item in items if item.get_closest_marker('conformance')]
    if not marked and not run.entries:
        return
    impl = implementation(config)
    caps, device = config.stash[_CAPS_KEY], config.stash[_DEVICE_KEY]
    for item in marked:
        mark = item.get_closest_marker('conformance')
        run.meta[item.nodeid] = dict(id=property_id(item), **mark.kwargs)
        chainers = [d for d in item.iter_markers('diverges')
                    if spec.divergence_applies(d, 'chainer')]
        run.meta[item.nodeid]['chainer_diverges'] = (
            f"{chainers[0].kwargs['reason']} [{chainers[0].kwargs['source']}]"
            if chainers else None)
        if getattr(getattr(item, 'obj', None), 'is_hypothesis_test', False):
            profiles.apply(item.obj, run.settings, run.seed)
        for div in item.iter_markers('diverges'):
            own = spec.divergence_applies(div, impl.name)
            if own or run.chainer_preset and spec.divergence_applies(div, 'chainer'):
                # The preset declares what Chainer does; a derived namespace
                # that fixed a divergence passes (an xpass), it does not fail.
                name = div.kwargs['impl'] if own else f'{CHAINER_PRESET} (preset)'
                where = f" (NumPy {div.kwargs['numpy']})" if div.kwargs.get('numpy') else ''
                item.add_marker(pytest.mark.xfail(
                    strict=own, raises=AssertionError,
                    reason=f"{name}{where} diverges: {div.kwargs['reason']} "
                           f"[{div.kwargs['source']}]"))
                break
        why = caps.why_not_run(mark.kwargs['family'], device)
        if why is not None:
            run.unsupported[item.nodeid] = why
            item.add_marker(pytest.mark.skip(reason=f'unsupported: {why}'))
    if any(item.nodeid not in run.unsupported for item in marked):
        _stop_if_most_of_the_api_is_missing(impl)
    if run.entries:
        _apply_expectations(config, items, impl, device)


def _stop_if_most_of_the_api_is_missing(impl):
    """One summary and exit status 1 for a namespace lacking most core names."""
    missing = lacking(Namespace(impl.module))
    if len(missing) * 2 > len(CORE_NAMES):
        pytest.exit(
            f'--impl={impl.spec}: {impl.describe()} lacks {len(missing)} of the '
            f'{len(CORE_NAMES)} names nearly every property needs, so the suite stops '
            'here instead of failing every property:\n  '
            + '\n  '.join(dict.fromkeys(missing.values())),
            returncode=pytest.ExitCode.TESTS_FAILED)


def _apply_expectations(config, items, impl, device):
    run = config.stash[_RUN_KEY]
    strict = config.getoption('strict_expectations')
    matched = set()
    for item in items:
        entry = expectations.select(run.entries, property_id(item))
        if entry is None:
            continue
        matched.add(entry.id)
        try:
            if not entry.applies(device, impl.version):
                continue
        except expectations.ExpectationsError as e:
            pytest.exit(f'--expectations={run.expectations_file}: {e}',
                        returncode=pytest.ExitCode.USAGE_ERROR)
        run.expected[item.nodeid] = entry
        if entry.status == 'skip':
            item.add_marker(pytest.mark.skip(reason=entry.describe()))
            continue
        item.add_marker(pytest.mark.xfail(strict=strict, reason=entry.describe()))
        hypothesis_test = getattr(getattr(item, 'obj', None), 'is_hypothesis_test', False)
        if entry.example is not None and hypothesis_test:
            try:
                run.data_replays[item.nodeid] = examples.loads(entry.example)
                continue
            except examples.NotData as e:
                run.problems.append(f'{entry.id}: its example cannot be replayed ({e}); '
                                    + ('its replay blob is used instead' if entry.replay
                                       else 'searched instead'))
        if entry.replay is None:
            continue
        if not hypothesis_test:
            run.problems.append(f'{entry.id}: has a replay but is not a hypothesis property')
        elif entry.replay[0] != hypothesis.__version__:
            run.problems.append(
                f'{entry.id}: replay recorded with hypothesis {entry.replay[0]}, running '
                f'{hypothesis.__version__}; searched instead (record the counterexample '
                'in the report)')
        else:
            run.replays[item.nodeid] = entry.replay
    collected = {item.path.name for item in items}
    for entry in run.entries:
        file = entry.id.split('::', 1)[0]
        if entry.id not in matched and (file in collected or not (SUITE_DIR / file).exists()):
            run.problems.append(f'{entry.id}: matches no property of this suite')


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Run a property without hypothesis's local constants (``profiles``
    says why); replay an expected failure's stored counterexample as its
    only example."""
    run = item.config.stash[_RUN_KEY]
    if item.nodeid not in run.meta:
        return (yield)
    with profiles.without_local_constants(), _recording_arguments(item, run):
        return (yield from _call(item, run))


@contextlib.contextmanager
def _recording_arguments(item, run):
    """Keep the generated arguments of each example the property runs: the
    last one is the failing example (hypothesis runs it again at the end)."""
    given = getattr(getattr(item, 'obj', None), 'hypothesis', None)
    if given is None:
        yield
        return
    inner, fixtures = given.inner_test, set(item._fixtureinfo.argnames)

    @functools.wraps(inner)      # hypothesis prints the test's name in a failure
    def recording(*args, **kwargs):
        run.arguments[item.nodeid] = {k: v for k, v in kwargs.items() if k not in fixtures}
        return inner(*args, **kwargs)

    given.inner_test = recording
    try:
        yield
    finally:
        given.inner_test = inner


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """An expected failure whose example is stored as data runs that example
    only, by calling the property's body with it: no hypothesis search, so it
    replays the same under any hypothesis version."""
    run = pyfuncitem.config.stash.get(_RUN_KEY, None)
    arguments = None if run is None else run.data_replays.get(pyfuncitem.nodeid)
    if arguments is None:
        return None
    fixtures = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    pyfuncitem.obj.hypothesis.inner_test(**fixtures, **arguments)
    return True


def _call(item, run):
    replay = run.replays.get(item.nodeid)
    if replay is None:
        return (yield)
    function = getattr(item.obj, '__func__', item.obj)
    previous = getattr(function, _REPLAY_ATTRIBUTE, None)
    hypothesis.reproduce_failure(replay[0], replay[1].encode())(function)
    try:
        return (yield)
    except DidNotReproduce as e:
        del run.replays[item.nodeid]
        run.problems.append(f'{property_id(item)}: the stored counterexample no longer '
                            f'fails ({e}); searched instead')
        setattr(function, _REPLAY_ATTRIBUTE, previous)
        item.runtest()
    finally:
        setattr(function, _REPLAY_ATTRIBUTE, previous)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    run = item.config.stash[_RUN_KEY]
    meta = run.meta.get(item.nodeid)
    if meta is None:
        return rep
    if rep.failed and call.excinfo is not None:
        missing = item.config.stash[_CAPS_KEY].lacks_declared(call.excinfo.value)
        if missing is not None:
            run.unsupported[item.nodeid] = f'{missing} is declared unsupported'
            rep.outcome = 'skipped'
            rep.longrepr = (str(item.path), item.location[1] or 0,
                            f'unsupported: {run.unsupported[item.nodeid]}')
    record = run.records.setdefault(item.nodeid, dict(
        id=meta['id'], family=meta['family'], level=meta['level'], source=meta['source'],
        outcome=None, message=None, reason=None, duration=0.0, counterexample=None,
        repro=None, repro_file=None, chainer_diverges=meta['chainer_diverges'],
        example=None))
    record['duration'] += rep.duration
    outcome, reason = _outcome(rep, run)
    # The call decides; setup and teardown only when they go wrong.
    if not (record['outcome'] is None or rep.when == 'call'
            or record['outcome'] == 'passed' and outcome != 'passed'):
        return rep
    record['outcome'], record['reason'] = outcome, reason
    if outcome in ('xfailed', 'failed') and call.excinfo is not None:
        found = run.replays.get(item.nodeid) or _counterexample(call.excinfo.value, rep)
        if found is not None:
            record['counterexample'] = {'hypothesis': found[0], 'blob': found[1]}
        if item.nodeid in run.arguments:
            try:
                record['example'] = examples.dumps(run.arguments[item.nodeid])
            except examples.NotData:
                record['example'] = None
    xpassed = rep.when == 'call' and (rep.passed and hasattr(rep, 'wasxfail')
                                      or rep.failed and call.excinfo is None)
    if xpassed and getattr(run.expected.get(item.nodeid), 'status', None) == 'xfail':
        run.problems.append(f"{meta['id']}: expected to fail but passed")
    if outcome == 'failed':
        record['message'] = _message(rep)
        if call.excinfo is not None and rep.when == 'call':
            _attach_repro(item, rep, call.excinfo.value, record)
    return rep


def _outcome(rep, run):
    """``(outcome, reason)`` of one phase's report."""
    if rep.skipped and rep.nodeid in run.unsupported:
        return 'unsupported', run.unsupported[rep.nodeid]
    if hasattr(rep, 'wasxfail'):
        if rep.skipped:
            return 'xfailed', rep.wasxfail
        return 'passed', f'expected to fail but passed ({rep.wasxfail})'
    if rep.skipped:
        text = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        return 'skipped', text.removeprefix('Skipped: ')
    return rep.outcome, None


def _message(rep, lines=12, width=2000):
    """The exception's message, without pytest's assertion rewriting below it."""
    crash = getattr(rep.longrepr, 'reprcrash', None)
    text = crash.message if crash is not None else str(rep.longrepr)
    kept = []
    for line in text.splitlines():
        if line.startswith('assert ') or len(kept) == lines:
            break
        kept.append(line if len(line) <= width else line[:width] + ' ...')
    return '\n'.join(kept) or text[:width]


def _counterexample(error, rep):
    """``(hypothesis version, blob)`` of the example that failed, if hypothesis printed it."""
    notes = '\n'.join(getattr(error, '__notes__', ()))
    return repro.counterexample(notes) or repro.counterexample(rep.longreprtext)


def _attach_repro(item, rep, error, record):
    """Put a reproduction script under the failure (and into --repro-dir)."""
    config = item.config
    impl = implementation(config)
    blob = _counterexample(error, rep)
    _, profile_option = _profile_text(config)
    options = [f'--device={config.stash[_DEVICE_KEY]}', *profile_option.split(),
               f'--hypothesis-seed={config.stash[_SEED_KEY]}']
    extension = config.getoption('extension', None)
    if extension is not None:
        module, _, factory = extension.rpartition(':')
        if module.endswith('.py') or os.sep in module:
            module = str(config.invocation_params.dir / module)
        options.append(f'--extension={module}:{factory}')
    target = record['id'] if SUITE_DIR in item.path.resolve().parents else \
        f"{item.path}::{item.nodeid.split('::', 1)[1]}"
    text, why = None, 'no counterexample to replay on the CPU through ns'
    ns = getattr(item, 'funcargs', {}).get('ns')
    if blob is not None and ns is not None and config.stash[_DEVICE_KEY].kind == 'cpu':
        try:
            module = impl.file if impl.resolved_as == 'file' else impl.module.__name__
            text, why = script_checks.public_script(
                item, ns, blob, error, property_id=target, module=module,
                describe=impl.describe(), suite_version=_suite_version(),
                where=str(config.invocation_params.dir))
        except (Exception, pytest.fail.Exception, pytest.skip.Exception) as e:
            # Never lose the report over a script; pytest.raises and friends
            # inside a replayed property raise pytest's own outcomes.
            text, why = None, script.NOT_REPLAYED
    if text is None:
        text = repro.script(
            target, impl=impl.file if impl.resolved_as == 'file' else impl.spec,
            describe=impl.describe(), options=options, blob=blob,
            suite_version=_suite_version(), search_dir=str(config.invocation_params.dir))
    record['repro'] = text
    note = '' if why is None else f'# (replays through the suite: {why})\n'
    section = note + text
    directory = config.getoption('repro_dir')
    if directory:
        path = pathlib.Path(config.invocation_params.dir, directory, repro.file_name(target))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding='utf-8')
        record['repro_file'] = str(path)
        section = f'# written to {path}\n{note}{text}'
    section += '\n# To declare this failure expected, add to the --expectations file:\n'
    section += ''.join(f'#   {line}\n' for line in expectations.entry_toml(
        record['id'], 'TODO: why', blob).splitlines())
    rep.sections.append(('conformance: reproduce this failure', section))


@pytest.hookimpl(tryfirst=True)
def pytest_report_teststatus(report, config):
    run = config.stash.get(_RUN_KEY, None)
    if run is not None and report.skipped and report.nodeid in run.unsupported:
        return 'unsupported', 'U', 'UNSUPPORTED'
    return None


def _suite_version():
    try:
        return importlib.metadata.version('chainer-conformance')
    except importlib.metadata.PackageNotFoundError:
        return 'unknown'


def build_report(config):
    """The run as a ``report_schema.json`` document."""
    run, impl = config.stash[_RUN_KEY], implementation(config)
    caps = config.stash[_CAPS_KEY]
    properties = list(run.records.values())
    return {
        'format': report.FORMAT,
        'suite': {'name': 'chainer-conformance', 'version': _suite_version()},
        'implementation': {'spec': impl.spec, 'name': impl.name, 'version': impl.version,
                           'file': impl.file, 'resolved_as': impl.resolved_as},
        'device': str(config.stash[_DEVICE_KEY]),
        'hypothesis': {'version': hypothesis.__version__, 'profile': run.profile,
                       'max_examples': run.settings.max_examples, 'seed': config.stash[_SEED_KEY]},
        'expectations': {'file': run.expectations_file, 'problems': list(run.problems)},
        'unsupported': {'families': list(caps.families), 'names': list(caps.names),
                        'devices': list(caps.devices)},
        'summary': report.summary(properties),
        'properties': properties,
    }


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session):
    config = session.config
    run = config.stash.get(_RUN_KEY, None)
    if run is None:
        return
    if run.problems and config.getoption('strict_expectations') \
            and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    paths = config.getoption('report')
    if paths and _IMPL_KEY in config.stash:
        document = build_report(config)
        for path in paths:
            path = str(config.invocation_params.dir / path)
            report.write(document, path)
            run.written.append(path)


def pytest_terminal_summary(terminalreporter, config):
    run = config.stash.get(_RUN_KEY, None)
    if run is None or not (run.records or run.problems):
        return
    tr = terminalreporter
    tr.section(f'conformance matrix: {implementation(config).describe()}')
    rows = report.summary(run.records.values())
    width = max([len(f) for f in rows] + [6]) + 2
    tr.write_line('family'.ljust(width) + ''.join(c.rjust(12) for c in report.OUTCOMES))
    for family, counts in rows.items():
        tr.write_line(family.ljust(width) + ''.join(str(counts[c]).rjust(12)
                                                    for c in report.OUTCOMES))
    if run.problems:
        strict = config.getoption('strict_expectations')
        tr.write_line(f'expectation problems ({"errors under" if strict else "not errors without"}'
                      ' --strict-expectations):', yellow=not strict, red=strict)
        for problem in run.problems:
            tr.write_line(f'  {problem}')
    if config.get_verbosity() < 0:      # -q hides the header, and the seed with it
        tr.write_line(_run_line(config))
    for path in run.written:
        tr.write_line(f'conformance report written to {path}')
