"""pytest plugin of the Chainer conformance suite: its options, the run
header and the fixtures properties take.

Registered through the ``pytest11`` entry point, so both ``pytest conformance``
in this repository and ``pytest --pyargs conformance`` elsewhere load it.
The work is split the way pytest's own plugins are:

- ``session``: what the options resolve to (implementation, device,
  hypothesis profile and seed, expectations), read once at configure time;
- ``collection`` (a plugin module): each property's record and marks;
  Chainer's documented divergences as strict expected failures, declared
  capabilities as skips, the expectations file;
- ``running`` (a plugin module): how a property runs; stored examples and
  counterexamples replayed;
- ``reporting.Reporting`` (a plugin object, registered here): outcomes, the
  terminal matrix, ``--report`` files and, through ``repro``, a
  reproduction script under each failure;
- ``user_extension`` (a plugin module): ``--extension``;
- ``distributed``: under pytest-xdist, the workers draw with the controller's
  seed and send their records to it.
"""
import os
import shutil
import tempfile

import pytest

from conformance import distributed, loader, reporting, session
from conformance.namespace import Namespace

pytest_plugins = ['conformance.user_extension', 'conformance.collection', 'conformance.running']


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
             f"'{session.CHAINER_PRESET}' declares Chainer 7.8.1's documented divergences "
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
    session.configure(config)
    reporting.Reporting.register(config)


def pytest_unconfigure(config):
    reporting.Reporting.unregister(config)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist starts a worker: it draws with this session's seed."""
    distributed.hand_seed(node, session.of(node.config))


def pytest_report_header(config):
    run = session.of(config)
    if run is None or run.implementation is None:
        return None
    impl = run.implementation
    lines = [f'conformance: implementation {impl.describe()}',
             f'conformance: {session.run_line(run)}']
    if impl.name == 'chainer':
        lines.append('conformance: chainer shims applied: '
                     + ('; '.join(impl.shims) if impl.shims else 'none'))
    declared = run.capabilities.describe()
    if declared:
        lines.append(f'conformance: declared unsupported: {declared}')
    if run.chainer_preset:
        lines.append(f"conformance: expectations {session.CHAINER_PRESET}: Chainer 7.8.1's "
                     'documented divergences are expected failures')
    if run.expectations_file:
        lines.append(f'conformance: expectations {run.expectations_file} '
                     f'({len(run.entries)} entries'
                     + (', strict)' if config.getoption('strict_expectations') else ')'))
    return lines


@pytest.fixture(scope='session')
def impl(request):
    """The ``loader.Implementation`` under test."""
    return session.implementation(request.config)


@pytest.fixture(scope='session')
def ns(impl):
    """The implementation's Chainer-API namespace (``ns.training.Trainer``, ...)."""
    return Namespace(impl.module)


@pytest.fixture(scope='session')
def device(request):
    """The ``devices.Device`` properties place arrays on."""
    return session.of(request.config).device


# A memory-backed filesystem, where the system has one with room to spare: a
# run writes and deletes tens of thousands of small files (trainer outputs,
# snapshots, the writers' temporary directories), about 60 MB in all, three
# times faster there than on a disk.
MEMORY_FILESYSTEM, MEMORY_NEEDED = '/dev/shm', 1 << 30


def _memory_filesystem_fits():
    try:
        stat = os.statvfs(MEMORY_FILESYSTEM)
    except OSError:
        return False
    return os.access(MEMORY_FILESYSTEM, os.W_OK) and stat.f_bavail * stat.f_frsize >= MEMORY_NEEDED


SCRATCH_PREFIX = 'chainer-conformance-'


def _remove_orphans():
    """Remove the scratch directories of sessions whose process is gone: a
    killed run cannot remove its own, and nothing else cleans this
    filesystem before a reboot."""
    for name in os.listdir(MEMORY_FILESYSTEM):
        pid = name[len(SCRATCH_PREFIX):].partition('-')[0]
        if not (name.startswith(SCRATCH_PREFIX) and pid.isdigit()):
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(os.path.join(MEMORY_FILESYSTEM, name), ignore_errors=True)
        except OSError:
            pass


@pytest.fixture(scope='session')
def out_dir(request, tmp_path_factory):
    """A scratch directory for ``Trainer(out=...)`` and snapshot files,
    removed when the session ends.  It lies under ``--basetemp`` where one
    is given, else in memory where the system allows, else under pytest's
    temporary directory."""
    if request.config.option.basetemp is None and _memory_filesystem_fits():
        _remove_orphans()
        path = tempfile.mkdtemp(prefix=f'{SCRATCH_PREFIX}{os.getpid()}-', dir=MEMORY_FILESYSTEM)
    else:
        path = str(tmp_path_factory.mktemp('trainer_out'))
    yield path
    shutil.rmtree(path, ignore_errors=True)
