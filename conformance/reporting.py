"""The reporting plugin: one record per conformance property, its outcome,
the terminal matrix and the ``--report`` files.

Built the way pytest's own ``junitxml`` is: ``Reporting`` is an object the
suite's plugin registers in ``pytest_configure``, and it owns the state.  The
collection hook (``collection``) adds a ``Property`` for each property it
marks; the run hooks (``running``) read and fill it; the report hook here
turns each phase's report into the property's outcome, attaches a
reproduction script to each failure (``repro.attach``), and at the end of
the session writes the report (``report.document``, ``report.write``) and
prints the matrix.  Under pytest-xdist the workers' records reach the
controller with their reports (``distributed``), and the controller alone
prints and writes.
"""
import dataclasses

import pytest

from conformance import distributed, examples, report, repro, session
from conformance.namespace import ImplementationLacks

_KEY = pytest.StashKey()

# A property's fields in the report, in the order the report gives them.
_ENTRY = ('id', 'family', 'level', 'source', 'outcome', 'failure', 'message', 'reason',
          'duration',
          'counterexample', 'repro', 'repro_file', 'chainer_diverges', 'example')


@dataclasses.dataclass
class Property:
    """One conformance property (one test id) through a session."""
    # What its marks say.
    id: str                          # session.property_id
    family: str
    level: str
    source: str
    chainer_diverges: str = None     # Chainer's documented divergence: 'reason [source]'
    # What collection decided.
    expected: object = None          # the expectations.Expectation applied
    unsupported: str = None          # why it is reported unsupported (also set on failure)
    replay: tuple = None             # a counterexample to replay: (hypothesis version, blob)
    replay_arguments: dict = None    # an example to call the property's body with
    # What running it gave.
    arguments: dict = None           # the generated arguments of the last example run
    outcome: str = None              # report.OUTCOMES; None until a phase is reported
    failure: str = None              # a failure's kind: 'rule' or 'lacks' (failure_kind)
    message: str = None
    reason: str = None
    duration: float = 0.0
    counterexample: dict = None      # {'hypothesis': version, 'blob': blob}
    repro: str = None
    repro_file: str = None
    example: str = None              # the failing arguments as data (examples.dumps)

    def entry(self):
        """The property as the report lists it (``report_schema.json``)."""
        return {name: getattr(self, name) for name in _ENTRY}


def of(config):
    """The session's ``Reporting``; None where the suite's plugin is not configured."""
    return config.stash.get(_KEY, None)


def property_of(config, nodeid):
    """The ``Property`` of the test ``nodeid``; None for a test that is not one."""
    reporting = of(config)
    return None if reporting is None else reporting.properties.get(nodeid)


class Reporting:
    """Outcomes of the session's properties, the terminal matrix, the reports."""

    def __init__(self, config):
        self.run = session.of(config)
        self.worker = distributed.is_worker(config)
        self.properties = {}   # node id -> Property, as collected
        self.reported = {}     # node id -> Property, in the order they were reported
        self.order = []        # under xdist, on the controller: the node ids as collected
        self.problems = []     # with the expectations (errors under --strict-expectations)
        self.written = []      # report files

    @classmethod
    def register(cls, config):
        config.stash[_KEY] = reporting = cls(config)
        config.pluginmanager.register(reporting, 'conformance-reporting')
        return reporting

    @staticmethod
    def unregister(config):
        reporting = config.stash.get(_KEY, None)
        if reporting is not None:
            del config.stash[_KEY]
            config.pluginmanager.unregister(reporting)

    def add(self, nodeid, prop):
        self.properties[nodeid] = prop

    def problem(self, text):
        self.problems.append(text)

    def entries(self):
        """The reported properties' entries, in the order they were collected."""
        position = {nodeid: i for i, nodeid in enumerate(self.order)}
        ordered = sorted(self.reported, key=lambda nodeid: position.get(nodeid, len(position)))
        return [self.reported[nodeid].entry() for nodeid in ordered]

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        rep = yield
        prop = self.properties.get(item.nodeid)
        if prop is None:
            return rep
        if rep.failed and call.excinfo is not None:
            missing = self.run.capabilities.lacks_declared(call.excinfo.value)
            if missing is not None:
                prop.unsupported = f'{missing} is declared unsupported'
                rep.outcome = 'skipped'
                rep.longrepr = (str(item.path), item.location[1] or 0,
                                f'unsupported: {prop.unsupported}')
        if (rep.skipped and hasattr(rep, 'wasxfail') and call.excinfo is not None
                and failure_kind(call.excinfo.value) == 'lacks'):
            # An expected failure is expected on the rule: a missing name is
            # not the documented divergence, so it fails as a lack.
            del rep.wasxfail
            rep.outcome = 'failed'
        self.reported.setdefault(item.nodeid, prop)
        prop.duration += rep.duration
        outcome, reason = _outcome(rep, prop)
        # The call decides; setup and teardown only when they go wrong.
        if not (prop.outcome is None or rep.when == 'call'
                or prop.outcome == 'passed' and outcome != 'passed'):
            return rep
        prop.outcome, prop.reason = outcome, reason
        if outcome in ('xfailed', 'failed') and call.excinfo is not None:
            found = prop.replay or repro.counterexample_of(call.excinfo.value, rep)
            if found is not None:
                prop.counterexample = {'hypothesis': found[0], 'blob': found[1]}
            if prop.arguments is not None:
                try:
                    prop.example = examples.dumps(prop.arguments)
                except examples.NotData:
                    prop.example = None
        xpassed = rep.when == 'call' and (rep.passed and hasattr(rep, 'wasxfail')
                                          or rep.failed and call.excinfo is None)
        if xpassed and getattr(prop.expected, 'status', None) == 'xfail':
            self.problem(f'{prop.id}: expected to fail but passed')
        if outcome == 'failed':
            prop.message = _message(rep, error=call.excinfo.value if call.excinfo else None)
            prop.failure = failure_kind(call.excinfo.value if call.excinfo else None)
            if call.excinfo is not None and rep.when == 'call':
                repro.attach(item, rep, call.excinfo.value, prop)
        return rep

    @pytest.hookimpl(tryfirst=True)     # before xdist's worker sends the report on
    def pytest_runtest_logreport(self, report):
        if report.nodeid in self.properties:
            if self.worker:
                distributed.attach(report, self.properties[report.nodeid])
            return
        record = distributed.record_of(report)
        if record is not None:      # the controller, from a worker: its latest record
            self.reported[report.nodeid] = Property(**record)

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report):
        prop = self.properties.get(report.nodeid)
        unsupported = (prop.unsupported is not None if prop is not None
                       else (distributed.record_of(report) or {}).get('outcome') == 'unsupported')
        if report.skipped and unsupported:
            return 'unsupported', 'U', 'UNSUPPORTED'
        return None

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids):
        self.order = self.order or list(ids)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error):
        problems, stop = distributed.handed_back(node)
        self.problems += [p for p in problems if p not in self.problems]
        if stop is not None:
            pytest.exit(stop, returncode=pytest.ExitCode.TESTS_FAILED)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session):
        config = session.config
        if self.worker:
            distributed.hand_back(config, self.problems)
            return
        if self.problems and config.getoption('strict_expectations') \
                and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        paths = config.getoption('report')
        if paths and self.run.implementation is not None:
            document = report.document(self.run, self.entries(), self.problems)
            for path in paths:
                path = str(config.invocation_params.dir / path)
                report.write(document, path)
                self.written.append(path)

    def pytest_terminal_summary(self, terminalreporter, config):
        if self.worker or not (self.reported or self.problems):
            return
        tr = terminalreporter
        tr.section(f'conformance matrix: {session.implementation(config).describe()}')
        rows = report.summary(self.entries())
        width = max([len(f) for f in rows] + [6]) + 2
        tr.write_line('family'.ljust(width) + ''.join(c.rjust(16) for c in report.COLUMNS))
        for family, counts in rows.items():
            tr.write_line(family.ljust(width) + ''.join(str(c).rjust(16)
                                                        for c in report.columns(counts)))
        if self.problems:
            strict = config.getoption('strict_expectations')
            tr.write_line('expectation problems ('
                          + ('errors under' if strict else 'not errors without')
                          + ' --strict-expectations):', yellow=not strict, red=strict)
            for problem in self.problems:
                tr.write_line(f'  {problem}')
        if config.get_verbosity() < 0:      # -q hides the header, and the seed with it
            tr.write_line(session.run_line(self.run))
        for path in self.written:
            tr.write_line(f'conformance report written to {path}')


def failure_kind(error):
    """``'lacks'`` when every failure in ``error`` is a name or argument the
    implementation lacks (hypothesis groups distinct failures), else ``'rule'``.

    Why: a maintainer reads the two apart; a missing optional name is a
    feature not implemented, not a semantic difference.
    """
    if isinstance(error, BaseExceptionGroup):
        kinds = {failure_kind(e) for e in error.exceptions}
        return 'lacks' if kinds == {'lacks'} else 'rule'
    return 'lacks' if isinstance(error, ImplementationLacks) else 'rule'


def _outcome(rep, prop):
    """``(outcome, reason)`` of one phase's report."""
    if rep.skipped and prop.unsupported is not None:
        return 'unsupported', prop.unsupported
    if hasattr(rep, 'wasxfail'):
        if rep.skipped:
            return 'xfailed', rep.wasxfail
        return 'passed', f'expected to fail but passed ({rep.wasxfail})'
    if rep.skipped:
        text = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        return 'skipped', text.removeprefix('Skipped: ')
    return rep.outcome, None


def _message(rep, lines=12, width=2000, error=None):
    """The exception's message, without pytest's assertion rewriting below it.

    When hypothesis found several distinct failures (an ``ExceptionGroup``),
    the first line of each follows, so that the message names every cause.
    """
    crash = getattr(rep.longrepr, 'reprcrash', None)
    text = crash.message if crash is not None else str(rep.longrepr)
    if isinstance(error, BaseExceptionGroup):
        text = '\n'.join([text.splitlines()[0] if text else str(error)] + [
            f'  {i}. {type(sub).__name__}: {(str(sub).splitlines() or [""])[0]}'
            for i, sub in enumerate(error.exceptions, 1)])
    kept = []
    for line in text.splitlines():
        if line.startswith('assert ') or len(kept) == lines:
            break
        kept.append(line if len(line) <= width else line[:width] + ' ...')
    return '\n'.join(kept) or text[:width]
