"""An implementation's expected outcomes, read from a TOML file (``--expectations``).

One table per property, keyed by its exact id (test file and test name, with
``[params]`` to single out one parametrization)::

    ["test_trigger_schedule.py::test_manual_schedule_trigger_fires_at_its_points_then_reports_finished"]
    status = "xfail"                    # or "skip"
    reason = "our ManualScheduleTrigger fires one call late"
    link = "https://example.org/mypkg/issues/12"             # optional
    device = ["gpu"]                    # optional: only on these --device values
    version = "<2.0"                    # optional: only for these implementation versions
    example = '{"arguments":{...},"version":1}'     # optional
    replay = { hypothesis = "6.170.15", blob = "AXicY2BgAAAABAAB" }   # optional

``example`` is the failing example's generated arguments as data (JSON,
``conformance/examples.py``, as the run's report gives it): an expected
failure with one runs that example only, calling the property with it, so it
fails the same way on every run and under every hypothesis version.
``replay`` is the counterexample hypothesis printed
(``@reproduce_failure(version, blob)``), used when there is no example (a
property that draws interactively); it replays only under that version.
"""
import dataclasses
import json
import sys

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from conformance import errors

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

STATUSES = ('xfail', 'skip')
_KEYS = {'status', 'reason', 'link', 'device', 'version', 'replay', 'example'}


class ExpectationsError(errors.UsageError, ValueError):
    """A malformed expectations file (a usage error)."""


@dataclasses.dataclass(frozen=True)
class Expectation:
    id: str                  # file::test or file::test[params]
    status: str              # 'xfail' or 'skip'
    reason: str
    link: str = None
    devices: tuple = ()      # empty: every device
    version: str = None      # a version specifier; None: every version
    replay: tuple = None     # (hypothesis version, blob)
    example: str = None      # the failing arguments as data (conformance.examples)

    def matches(self, property_id):
        """Exact id, or the id without parameters when the entry names none."""
        return property_id == self.id or ('[' not in self.id
                                          and property_id.split('[', 1)[0] == self.id)

    def applies(self, device, impl_version):
        if self.devices and not {str(device), device.kind} & set(self.devices):
            return False
        if self.version is not None:
            try:
                version = Version(impl_version)
            except InvalidVersion:
                raise ExpectationsError(
                    f'entry {self.id!r} has a version condition but the implementation '
                    f'version {impl_version!r} is not a version number') from None
            return SpecifierSet(self.version).contains(version, prereleases=True)
        return True

    def describe(self):
        return f'{self.reason} ({self.link})' if self.link else self.reason


def load(path):
    """The expectations in the TOML file at ``path``, in file order."""
    try:
        with open(path, 'rb') as f:
            tables = tomllib.load(f)
    except OSError as e:
        raise ExpectationsError(f'--expectations={path}: {e.strerror}') from None
    except tomllib.TOMLDecodeError as e:
        raise ExpectationsError(f'--expectations={path}: not valid TOML: {e}') from None
    return [_entry(path, key, table) for key, table in tables.items()]


def _entry(path, key, table):
    where = f'--expectations={path}: entry {key!r}'
    if '::' not in key or not isinstance(table, dict):
        raise ExpectationsError(f'{where}: expected a table keyed by a property id '
                                '("test_file.py::test_name")')
    unknown = set(table) - _KEYS
    if unknown:
        raise ExpectationsError(f'{where}: unknown keys {sorted(unknown)}; '
                                f'expected some of {sorted(_KEYS)}')
    if table.get('status') not in STATUSES:
        raise ExpectationsError(f'{where}: status must be one of {STATUSES}')
    if not isinstance(table.get('reason'), str) or not table['reason']:
        raise ExpectationsError(f'{where}: a reason is required')
    devices = table.get('device', ())
    devices = (devices,) if isinstance(devices, str) else tuple(devices)
    version = table.get('version')
    if version is not None:
        try:
            SpecifierSet(version)
        except InvalidSpecifier:
            raise ExpectationsError(f'{where}: version {version!r} is not a version '
                                    'specifier such as ">=1.2,<2"') from None
    replay = table.get('replay')
    if replay is not None:
        if (not isinstance(replay, dict) or set(replay) != {'hypothesis', 'blob'}
                or not all(isinstance(v, str) for v in replay.values())):
            raise ExpectationsError(f'{where}: replay must be '
                                    '{ hypothesis = "<version>", blob = "<blob>" }')
        replay = (replay['hypothesis'], replay['blob'])
    example = table.get('example')
    if example is not None and not isinstance(example, str):
        raise ExpectationsError(f'{where}: example must be a string (the JSON a report gives)')
    return Expectation(id=key, status=table['status'], reason=table['reason'],
                       link=table.get('link'), devices=devices, version=version,
                       replay=replay, example=example)


def select(entries, property_id):
    """The entry for ``property_id``: an exact one before a parameterless one."""
    matching = [e for e in entries if e.matches(property_id)]
    exact = [e for e in matching if e.id == property_id]
    return (exact or matching or [None])[0]


def entry_toml(property_id, reason, replay=None, example=None):
    """A ready-to-paste expectations entry declaring ``property_id`` an expected failure."""
    lines = [f'[{json.dumps(property_id)}]', 'status = "xfail"',
             f'reason = {json.dumps(reason)}']
    if example is not None:
        lines.append(f'example = {json.dumps(example)}')
    if replay is not None:
        lines.append(f'replay = {{ hypothesis = {json.dumps(replay[0])}, '
                     f'blob = {json.dumps(replay[1])} }}')
    return '\n'.join(lines) + '\n'


def update(report, text=''):
    """``(new text, added ids, passing ids)``: the expectations file ``text``
    with an expected-failure entry appended for each property that failed in
    ``report`` (a JSON run report) and has none yet, its reason a TODO with
    the failure's first line, its replay the counterexample the run found.
    Entries of properties that passed are listed (``passing``), not removed."""
    tables = tomllib.loads(text) if text.strip() else {}
    outcomes = {p['id']: p for p in report['properties']}
    added = []
    for property_id, record in outcomes.items():
        if record['outcome'] != 'failed' or property_id in tables:
            continue
        first = (record['message'] or '').strip().splitlines()[:1]
        replay = record['counterexample']
        text += ('\n' if text and not text.endswith('\n\n') else '') + entry_toml(
            property_id, f'TODO: why ({first[0][:150] if first else "failed"})',
            None if replay is None else (replay['hypothesis'], replay['blob']),
            record.get('example'))
        added.append(property_id)
    passing = [i for i in tables if outcomes.get(i, {}).get('outcome') == 'passed']
    return text, added, passing


def main(argv=None):
    import argparse
    import os

    from conformance import report as reports
    parser = argparse.ArgumentParser(prog='python -m conformance.expectations')
    commands = parser.add_subparsers(dest='command', required=True)
    command = commands.add_parser(
        'update', help="add an expected failure for each of a run's failures")
    command.add_argument('report', metavar='REPORT.json', help='a report written by --report')
    command.add_argument('-o', '--output', default='conformance-expectations.toml',
                         metavar='FILE', help='the expectations file to create or update '
                                              '(default: %(default)s)')
    args = parser.parse_args(argv)
    try:
        run = reports.read(args.report)
    except (OSError, ValueError) as e:
        parser.exit(2, f'error: {e}\n')
    text = ''
    if os.path.exists(args.output):
        with open(args.output, encoding='utf-8') as f:
            text = f.read()
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            parser.exit(2, f'error: {args.output} is not valid TOML: {e}\n')
    text, added, passing = update(run, text)
    with open(args.output, 'w', encoding='utf-8') as f:
        f.write(text)
    print(f'{args.output}: {len(added)} expected failures added (edit their TODO reasons)')
    for property_id in passing:
        print(f'  passes now, remove its entry: {property_id}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
