#!/usr/bin/env python3
"""The conformance matrix: the suite on every real implementation, in one table.

    make matrix                               # every column; builds what is missing
    make matrix COLUMNS=chainer-6.7.0,ppe     # some columns; the rest keep their last run
    make matrix JOBS=2                        # two columns at a time, in COLUMNS' order
    scripts/matrix.py --merge-only            # rewrite docs/ from the last runs' reports

Each column is one implementation in one environment.  Its environment is
built on first use by the Makefile's rules (cached under the ignored
``.matrix/`` and the lanes' ``.venv*/``); a column whose build fails, or
whose files are not in the tree, is shown as not built, with why.  The
suite runs there as CI runs it (``CI=1``, the ``ci`` profile, seed 0) and
writes its JSON report to ``.matrix/reports/<column>.json``.

The reports are merged into ``docs/matrix.md`` and ``docs/matrix.json``:
families as rows, columns as columns, then every failure with its one-line
reason, its cause from the hand-written ``docs/matrix-notes.toml`` (a
failure no note explains is listed as *unexplained*), and its reproduction
script, kept in ``docs/matrix-repro/<column>/``.  ``docs/migrating.md``, for
people moving Chainer training code to pytorch-pfn-extras, is written from
the ppe column.  Exit status 1 if a column could not be built or run.
"""
import argparse
import concurrent.futures
import dataclasses
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from conformance import report as reports  # noqa: E402  (after the path)
from conformance import repro  # noqa: E402

WORK = os.path.join(ROOT, '.matrix')
REPORTS = os.path.join(WORK, 'reports')
DOCS = os.path.join(ROOT, 'docs')
NOTES = os.path.join(DOCS, 'matrix-notes.toml')
REPRO_DIR = 'matrix-repro'       # under docs/
FORMAT = 'chainer-conformance-matrix/1'
#: How each run is made: what CI runs, so two regenerations agree.
RUN_OPTIONS = ('-q', '-p', 'no:cacheprovider', '--hypothesis-profile=ci',
               '--hypothesis-seed=0')
REPLAY_OPTIONS = ['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0']
CHAINER = 'chainer-7.8.1'        # the column whose expected failures are Chainer's own


@dataclasses.dataclass(frozen=True)
class Column:
    key: str                 # the column's name: reports, repro folders, notes
    title: str
    venv: str                # relative to the repository
    impl: str = 'chainer'
    args: tuple = ()         # more pytest options
    needs: tuple = ()        # files without which the column is not built

    @property
    def stamp(self):
        return f'{self.venv}/.installed'


def _old(version):
    return Column(f'chainer-{version}', f'Chainer {version}, Python 3.11, NumPy 1',
                  f'.matrix/chainer-{version}-py3.11', needs=('requirements/chainer-old.txt',))


COLUMNS = (
    Column('chainer-7.8.1', 'Chainer 7.8.1, Python 3.11, NumPy 1', '.venv'),
    Column('chainer-7.8.1-numpy2', 'Chainer 7.8.1, Python 3.11, NumPy 2', '.venv-numpy2'),
    Column('chainer-7.8.1-py3.12', 'Chainer 7.8.1, Python 3.12, NumPy 2', '.venv-py3.12'),
    Column('chainer-7.8.1-py3.13', 'Chainer 7.8.1, Python 3.13, NumPy 2', '.venv-py3.13'),
    _old('7.1.0'), _old('6.7.0'), _old('5.4.0'),
    Column('reference', 'the reference, Python 3.11, NumPy 1', '.venv', impl='reference'),
    Column('ppe', 'pytorch-pfn-extras 0.9.0 (implementations/ppe.py)', '.matrix/ppe',
           impl='implementations.ppe',
           args=('--expectations=implementations/ppe.expectations.toml',),
           needs=('requirements/ppe.txt', 'implementations/ppe.py',
                  'implementations/ppe.expectations.toml')),
)
BY_KEY = {c.key: c for c in COLUMNS}


# --- building and running -------------------------------------------------

#: One build at a time: columns share environments (.venv) and pip's cache.
_BUILDING = threading.Lock()


def build(column):
    """``None`` once the column's environment is built, else why it is not."""
    missing = [p for p in column.needs if not os.path.exists(os.path.join(ROOT, p))]
    if missing:
        return f'not in the tree: {", ".join(missing)}'
    with _BUILDING:
        done = subprocess.run(['make', '--no-print-directory', column.stamp], cwd=ROOT,
                              capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-1:]
        return f'make {column.stamp} failed: {" ".join(tail)[:300]}'
    return None


def environment(column):
    """The Python, NumPy and Chainer versions of the column's environment."""
    probe = ('import sys, importlib.metadata as m\n'
             'def v(n):\n'
             '    try: return m.version(n)\n'
             '    except m.PackageNotFoundError: return None\n'
             'print(__import__("json").dumps({"python": "%d.%d.%d" % sys.version_info[:3],'
             ' "numpy": v("numpy"), "chainer": v("chainer"), "torch": v("torch"),'
             ' "pytorch-pfn-extras": v("pytorch-pfn-extras")}))')
    done = subprocess.run([os.path.join(ROOT, column.venv, 'bin', 'python'), '-c', probe],
                          capture_output=True, text=True, cwd=ROOT)
    found = json.loads(done.stdout) if done.returncode == 0 else {}
    return {k: v for k, v in found.items() if v}


def run(column):
    """Run the suite in the column's environment; its record (``state``,
    ``reason``, seconds, environment) is written beside its report."""
    os.makedirs(os.path.join(WORK, 'logs'), exist_ok=True)
    os.makedirs(REPORTS, exist_ok=True)
    report = os.path.join(REPORTS, f'{column.key}.json')
    if os.path.exists(report):
        os.remove(report)
    record = {'key': column.key, 'state': 'not built', 'reason': None,
              'build_seconds': None, 'run_seconds': None, 'environment': {}}
    start = time.monotonic()
    why = build(column)
    record['build_seconds'] = round(time.monotonic() - start, 1)
    if why is None:
        record['environment'] = environment(column)
        command = [os.path.join(ROOT, column.venv, 'bin', 'python'), '-m', 'pytest',
                   'conformance', f'--impl={column.impl}', *RUN_OPTIONS,
                   f'--report={report}', *column.args]
        log = os.path.join(WORK, 'logs', f'{column.key}.log')
        start = time.monotonic()
        with open(log, 'w', encoding='utf-8') as out:
            done = subprocess.run(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                  env=dict(os.environ, CI='1', PYTHONDONTWRITEBYTECODE='1'))
        record['run_seconds'] = round(time.monotonic() - start, 1)
        if done.returncode in (0, 1) and os.path.exists(report):
            record['state'] = 'ran'
        else:
            record['state'] = 'error'
            why = (f'pytest exited {done.returncode}'
                   + ('' if os.path.exists(report) else ' without a report')
                   + f'; log: {os.path.relpath(log, ROOT)}')
    record['reason'] = why
    with open(os.path.join(REPORTS, f'{column.key}.run.json'), 'w', encoding='utf-8') as f:
        json.dump(record, f, indent=1)
    return record


def load(column):
    """The column's last run: its record with ``report`` (or None) added."""
    try:
        with open(os.path.join(REPORTS, f'{column.key}.run.json'), encoding='utf-8') as f:
            record = json.load(f)
    except FileNotFoundError:
        record = {'key': column.key, 'state': 'not run', 'reason': 'never run here',
                  'build_seconds': None, 'run_seconds': None, 'environment': {}}
    record['report'] = None
    if record['state'] == 'ran':
        try:
            record['report'] = reports.read(os.path.join(REPORTS, f'{column.key}.json'))
        except (OSError, ValueError) as e:
            record['state'], record['reason'] = 'error', str(e).splitlines()[0]
    return dict(record, title=column.title, impl=column.impl, venv=column.venv)


# --- notes: why a failure fails ------------------------------------------

def read_notes(path=NOTES):
    """The notes of ``path`` (``[[note]]`` tables), checked."""
    if not os.path.exists(path):
        return []
    with open(path, 'rb') as f:
        notes = tomllib.load(f).get('note', [])
    for i, note in enumerate(notes):
        unknown = set(note) - {'columns', 'property', 'message', 'cause', 'link', 'means'}
        if unknown or 'cause' not in note or 'columns' not in note:
            raise ValueError(f'{path}: note {i + 1} needs columns and cause'
                             f' (and knows only property, message, link, means): {note}')
        try:
            re.compile(note.get('message', ''))
        except re.error as e:
            raise ValueError(f'{path}: note {i + 1}: message is no regular expression: {e}')
    return notes


def _listed(value):
    return [value] if isinstance(value, str) else list(value)


def note_for(notes, column, prop):
    """The first note that explains ``prop`` failing (or xfailing) in ``column``."""
    for note in notes:
        if not any(fnmatch.fnmatchcase(column, p) for p in _listed(note['columns'])):
            continue
        if not fnmatch.fnmatchcase(prop['id'], note.get('property', '*')):
            continue
        text = f"{prop.get('message') or ''}\n{prop.get('reason') or ''}"
        if 'message' in note and not re.search(note['message'], text):
            continue
        return note
    return None


# --- merging --------------------------------------------------------------

def first_line(text, limit=200):
    """The first line of a message, its exception named without its module
    and object addresses (``at 0x7f...``) dropped: a rerun gives the same line."""
    line = next((s.strip() for s in (text or '').splitlines() if s.strip()), '')
    line = re.sub(r'^(?:\w+\.)+(\w+: )', r'\1', line)
    line = re.sub(r' at 0x[0-9a-fA-F]+>', '>', line)
    return line if len(line) <= limit else line[:limit - 1] + '…'


def repro_path(column, property_id):
    """Where the failure's script is kept, relative to docs/."""
    return f'{REPRO_DIR}/{column}/{repro.file_name(property_id)}'


def portable(text, root=ROOT):
    """A script with this checkout's absolute paths made relative to it."""
    return text.replace(repr(root), "'.'").replace(root + os.sep, '')


def _replay_script(record, prop):
    """A script that shows an expected failure (without its expectation)."""
    blob = prop['counterexample']
    return repro.script(
        prop['id'], impl=record['impl'], describe=record['title'], options=REPLAY_OPTIONS,
        blob=(blob['hypothesis'], blob['blob']) if blob else None,
        suite_version=record['report']['suite']['version'])


def merge(records, notes):
    """The matrix document of the columns' ``records`` (from ``load``), with
    ``notes`` joined to the failures, and the scripts to keep:
    ``(document, {path under docs/: text})``."""
    scripts, failures, expected, unused = {}, [], [], list(range(len(notes)))
    columns = []
    chainer = next((r['report'] for r in records if r['key'] == CHAINER and r['report']), None)
    chainers_own = {p['id'] for p in (chainer or {}).get('properties', ())
                    if p['outcome'] == 'xfailed'}
    for record in records:
        report = record['report']
        column = {k: record[k] for k in ('key', 'title', 'impl', 'venv', 'state', 'reason',
                                         'build_seconds', 'run_seconds', 'environment')}
        if report is not None:
            impl = report['implementation']
            column.update(implementation=f"{impl['name']} {impl['version']}",
                          summary=report['summary'], totals=reports.totals(report),
                          expectation_problems=report['expectations']['problems'],
                          declared_unsupported=report['unsupported'])
        columns.append(column)
        for prop in (report or {}).get('properties', ()):
            if prop['outcome'] not in ('failed', 'xfailed'):
                continue
            note = note_for(notes, record['key'], prop)
            if note is not None and notes.index(note) in unused:
                unused.remove(notes.index(note))
            entry = {'column': record['key'], 'id': prop['id'], 'family': prop['family'],
                     'level': prop['level'], 'source': prop['source']}
            if prop['outcome'] == 'failed':
                text = prop['repro']
                path = repro_path(record['key'], prop['id']) if text else None
                if path:
                    scripts[path] = portable(text)
                failures.append(dict(entry, kind=prop.get('failure') or 'rule',
                                     reason=first_line(prop['message']),
                                     cause=note['cause'] if note else None,
                                     link=note.get('link') if note else None,
                                     means=note.get('means') if note else None, repro=path))
            elif record['key'] == 'ppe' or not record['key'].startswith('chainer'):
                # Chainer's own documented divergences are the same in every
                # Chainer column and listed by the suite; other
                # implementations' expected failures are what they diverge in.
                path = repro_path(record['key'], prop['id'])
                scripts[path] = portable(_replay_script(record, prop))
                expected.append(dict(entry, reason=first_line(prop['reason'], 400),
                                     means=note.get('means') if note else None, repro=path,
                                     same_as_chainer=prop['id'] in chainers_own))
    document = {'format': FORMAT, 'columns': columns, 'failures': failures,
                'expected_failures': expected,
                'unused_notes': [notes[i] for i in unused]}
    return document, scripts


CELL = ('passed', 'failed', 'xfailed', 'unsupported', 'skipped')


def cell(row):
    """``passed / failed / expected failure / unsupported / skipped``; failed
    in bold when there are any, with how many of them only lack a name."""
    if row is None:
        return '–'
    numbers = [str(row[o]) for o in CELL]
    if row['failed']:
        numbers[1] = f"**{row['failed']}**" + (f" ({row['lacks']} lacks)"
                                               if row.get('lacks') else '')
    return ' / '.join(numbers)


def _escape(text):
    return str(text).replace('|', '\\|').replace('\n', ' ')


def table(header, rows):
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    lines += ['| ' + ' | '.join(_escape(c) for c in row) + ' |' for row in rows]
    return '\n'.join(lines)


def _seconds(value):
    return '–' if value is None else f'{value:.0f} s'


def _env(column):
    env = column['environment']
    return ', '.join(f'{k} {v}' for k, v in env.items()) or '–'


def _state(column):
    if column['state'] == 'ran':
        return column.get('implementation', 'ran')
    return f"**{column['state']}**: {column['reason']}"


def to_markdown(document):
    columns, failures = document['columns'], document['failures']
    ran = [c for c in columns if c['state'] == 'ran']
    families = sorted({f for c in ran for f in c['summary']})
    unexplained = [f for f in failures if f['cause'] is None]
    parts = [
        '# Conformance matrix',
        '',
        'Generated by `make matrix` (`scripts/matrix.py`): the suite run in each column\'s '
        'environment as CI runs it (`CI=1`, profile `ci`, seed 0), the reports merged. '
        'Do not edit by hand; causes come from `docs/matrix-notes.toml`.',
        '',
        table(['column', 'implementation', 'environment', 'build', 'run'],
              [[f"`{c['key']}`: {c['title']}", _state(c), _env(c), _seconds(c['build_seconds']),
                _seconds(c['run_seconds'])] for c in columns]),
        '',
        '## By family',
        '',
        'Each cell: passed / **failed** / expected failure / unsupported / skipped '
        'properties ("lacks": failed only for a name or argument the implementation '
        'does not have).',
        '',
        table(['family'] + [c['key'] for c in columns],
              [[family] + [cell(c['summary'].get(family)) if c['state'] == 'ran'
                           else c['state'] for c in columns] for family in families]
              + [['**total**'] + [cell(c['totals']) if c['state'] == 'ran' else c['state']
                                  for c in columns]]),
        '',
        f'## Failures: {len(failures)}, {len(unexplained)} unexplained',
        '',
        'Kind: *rule* — the implementation breaks the rule the property pins; *lacks* — it '
        'has no such name or argument. Repro: run the script from the repository root '
        '(with the column\'s environment); given another implementation '
        '(`python SCRIPT reference`) it runs the same example there.',
        '',
    ]
    if failures:
        parts += [table(['column', 'property', 'kind', 'reason', 'cause', 'repro'],
                        [[f"`{f['column']}`", f"`{f['id']}`", f['kind'], f['reason'],
                          _cause(f), f"[{f['repro'].split('/')[-1]}]({f['repro']})"
                          if f['repro'] else '–'] for f in failures]), '']
    else:
        parts += ['None.', '']
    expected = document['expected_failures']
    if expected:
        parts += ['## Expected failures of the other implementations', '',
                  'Declared in their expectations files, with the reason given there '
                  '(Chainer 7.8.1\'s own documented divergences are expected failures in '
                  'every Chainer column and are not repeated here).', '',
                  table(['column', 'property', 'reason', 'repro'],
                        [[f"`{e['column']}`", f"`{e['id']}`", e['reason'],
                          f"[{e['repro'].split('/')[-1]}]({e['repro']})"]
                         for e in expected]), '']
    problems = [(c['key'], p) for c in ran for p in c['expectation_problems']]
    if problems:
        parts += ['## Expectation problems', ''] + [f'- `{k}`: {p}' for k, p in problems] + ['']
    if document['unused_notes']:
        parts += ['## Notes that matched no failure', '',
                  'In `docs/matrix-notes.toml` but explaining nothing in this run:', '']
        parts += [f"- {', '.join(_listed(n['columns']))}, `{n.get('property', '*')}`"
                  + (f", message `{n['message']}`" if 'message' in n else '')
                  + f": {n['cause']}" for n in document['unused_notes']] + ['']
    return '\n'.join(parts)


def _cause(failure):
    if failure['cause'] is None:
        return '**unexplained**'
    return f"[{failure['cause']}]({failure['link']})" if failure['link'] else failure['cause']


def _rule(property_id):
    """The rule a property pins, in words: its test name."""
    test = property_id.split('::', 1)[-1]
    name, _, params = test.partition('[')
    words = name.removeprefix('test_').replace('_', ' ')
    return words + (f' ({params.rstrip("]")})' if params else '')


def to_migrating(document):
    """``docs/migrating.md``: what the ppe column says to someone moving
    Chainer training code to pytorch-pfn-extras."""
    column = next((c for c in document['columns'] if c['key'] == 'ppe'), None)
    parts = ['# Moving Chainer training code to pytorch-pfn-extras', '',
             'Generated by `make matrix` (`scripts/matrix.py`) from the ppe column of '
             '[the conformance matrix](matrix.md): the suite run on `implementations/ppe.py`, '
             "Chainer's trainer API over pytorch-pfn-extras 0.9.0's own classes. Each entry "
             "is a rule of Chainer 7.8.1 that ppe does not follow, what that means for a "
             'training script, and a script that shows it (run from the repository root in '
             'the ppe environment, `.matrix/ppe`).', '']
    if column is None or column['state'] != 'ran':
        why = 'not in the matrix' if column is None else f"{column['state']}: {column['reason']}"
        return '\n'.join(parts + [f'The ppe column has no results yet ({why}).', ''])
    declared = [e for e in document['expected_failures'] if e['column'] == 'ppe']
    entries = declared + [dict(f, reason=f['reason'] + (f" ({f['cause']})" if f['cause']
                                                      else ''))
                          for f in document['failures'] if f['column'] == 'ppe']
    # Chainer 7.8.1 fails some properties itself (its documented divergences);
    # where ppe has no counterpart the namespace keeps Chainer's object.
    shared = sum(1 for e in entries if e.get('same_as_chainer'))
    totals = column['totals']
    parts += [f"{totals['passed']} properties pass, {len(entries)} diverge "
              f"({len(declared)} declared in `implementations/ppe.expectations.toml`, "
              f"{totals['failed']} not declared; {shared} of them Chainer 7.8.1 fails too), "
              f"{totals['unsupported']} are about what ppe does not provide.", '']
    by_family = {}
    for entry in entries:
        by_family.setdefault(entry['family'], []).append(entry)
    for family in sorted(by_family):
        parts += [f'## {family}', '']
        for entry in by_family[family]:
            parts += [f"### {_rule(entry['id'])}", '',
                      f"- Chainer: {_rule(entry['id'])} (`{entry['source']}`).",
                      f"- ppe: {entry['reason']}"]
            if entry.get('means'):
                parts.append(f"- For a training script: {entry['means']}")
            if entry.get('same_as_chainer'):
                parts.append('- Chainer 7.8.1 itself fails this property too (a documented '
                             'divergence of Chainer): compare the reasons before relying on '
                             'either behaviour.')
            if entry.get('repro'):
                parts.append(f"- Shown by [`{entry['repro'].split('/')[-1]}`]({entry['repro']}) "
                             f"(property `{entry['id']}`).")
            parts.append('')
    unsupported = column.get('declared_unsupported') or {}
    missing = [f'family `{f}`' for f in unsupported.get('families', ())] + \
              [f'`{n}`' for n in unsupported.get('names', ())]
    if missing:
        parts += ['## Not provided', '',
                  'Declared unsupported by `implementations/ppe.py` (its `__conformance__`); '
                  'a script that uses these keeps Chainer\'s:', '',
                  ', '.join(missing) + '.', '']
    return '\n'.join(parts)


def write(document, scripts, docs=DOCS):
    """Write the matrix, the migration guide and the scripts under ``docs``;
    the scripts folder holds exactly this run's scripts."""
    folder = os.path.join(docs, REPRO_DIR)
    shutil.rmtree(folder, ignore_errors=True)
    for path, text in scripts.items():
        os.makedirs(os.path.dirname(os.path.join(docs, path)), exist_ok=True)
        with open(os.path.join(docs, path), 'w', encoding='utf-8') as f:
            f.write(text)
    for name, text in (('matrix.md', to_markdown(document)),
                       ('migrating.md', to_migrating(document)),
                       ('matrix.json', json.dumps(document, indent=1) + '\n')):
        with open(os.path.join(docs, name), 'w', encoding='utf-8') as f:
            f.write(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--columns', default=','.join(BY_KEY),
                        help=f'comma-separated, of {", ".join(BY_KEY)}; '
                             'the others keep their last run')
    parser.add_argument('--merge-only', action='store_true',
                        help='run nothing: merge the last runs\' reports')
    parser.add_argument('--jobs', type=int, default=1,
                        help='columns run at the same time (builds stay one at a time)')
    args = parser.parse_args(argv)
    chosen = args.columns.split(',')
    for key in chosen:
        if key not in BY_KEY:
            parser.error(f'unknown column {key!r}; columns: {", ".join(BY_KEY)}')
    status = 0
    if not args.merge_only:
        def one(key):
            print(f'== {key}: building and running', flush=True)
            record = run(BY_KEY[key])
            print(f"== {key}: {record['state']}"
                  + (f" ({record['reason']})" if record['reason'] else '')
                  + f"; build {_seconds(record['build_seconds'])},"
                    f" run {_seconds(record['run_seconds'])}", flush=True)
            return record['state'] != 'ran' and not record['reason'].startswith('not in')
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            status = int(any(pool.map(one, chosen)))
    document, scripts = merge([load(c) for c in COLUMNS], read_notes())
    write(document, scripts)
    unexplained = sum(f['cause'] is None for f in document['failures'])
    print(f"docs/matrix.md: {len(document['failures'])} failures, {unexplained} unexplained")
    return status


if __name__ == '__main__':
    sys.exit(main())
