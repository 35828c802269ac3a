"""Conformance reports: the JSON document (schema: ``report_schema.json``)
built from a run, its Markdown rendering, and a merge of several runs into
one matrix.

    pytest conformance --impl=mypkg --report=mypkg.json --report=mypkg.md
    python -m conformance.report merge mypkg.json reference.json -o matrix.md

The plugin's ``reporting.Reporting`` collects the properties' outcomes and
calls ``document`` and ``write`` at the end of the session.
"""
import argparse
import collections
import importlib.metadata
import json
import os
import re
import sys

import hypothesis

FORMAT = 'chainer-conformance-report/1'
OUTCOMES = ('passed', 'failed', 'xfailed', 'unsupported', 'skipped')
SCHEMA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'report_schema.json')


def suite_version():
    """The installed chainer-conformance's version, as reports and scripts name it."""
    try:
        return importlib.metadata.version('chainer-conformance')
    except importlib.metadata.PackageNotFoundError:
        return 'unknown'


def document(run, properties, problems):
    """The report of ``run`` (a ``session.Run``) with ``properties`` (their
    entries, in the order they ran) and the expectations' ``problems``."""
    impl, caps = run.implementation, run.capabilities
    return {
        'format': FORMAT,
        'suite': {'name': 'chainer-conformance', 'version': suite_version()},
        'implementation': {'spec': impl.spec, 'name': impl.name, 'version': impl.version,
                           'file': impl.file, 'resolved_as': impl.resolved_as},
        'device': str(run.device),
        'hypothesis': {'version': hypothesis.__version__, 'profile': run.profile,
                       'max_examples': run.settings.max_examples, 'seed': run.seed_text},
        'expectations': {'file': run.expectations_file, 'problems': list(problems)},
        'unsupported': {'families': list(caps.families), 'names': list(caps.names),
                        'devices': list(caps.devices)},
        'summary': summary(properties),
        'properties': properties,
    }


def summary(properties):
    """``{family: {outcome: count}}`` with every outcome present, families
    sorted; ``lacks`` counts the failed that failed only for a missing name."""
    counts = collections.defaultdict(lambda: dict(dict.fromkeys(OUTCOMES, 0), lacks=0))
    for prop in properties:
        counts[prop['family']][prop['outcome']] += 1
        counts[prop['family']]['lacks'] += prop.get('failure') == 'lacks'
    return {family: counts[family] for family in sorted(counts)}


#: The matrix's columns: ``failed`` split into failures on the property's
#: rule and failures for a name or argument the implementation lacks.
COLUMNS = ('passed', 'failed (rule)', 'failed (lacks)', 'xfailed', 'unsupported', 'skipped')


def columns(row):
    """A summary row as the matrix's ``COLUMNS`` values."""
    lacks = row.get('lacks', 0)
    return (row['passed'], row['failed'] - lacks, lacks, row['xfailed'],
            row['unsupported'], row['skipped'])


def totals(report):
    return {o: sum(row.get(o, 0) for row in report['summary'].values())
            for o in OUTCOMES + ('lacks',)}


def write(report, path):
    """Write ``report`` as JSON or Markdown, chosen by the file extension.

    Beside a Markdown report, each failure's reproduction script is written
    to ``<report name>-repro/`` and linked by a relative path."""
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        if path.endswith('.json'):
            json.dump(report, f, indent=1)
            f.write('\n')
        else:
            f.write(to_markdown(report, _write_scripts(report, path)))


def _write_scripts(report, path):
    """``{property id: script path relative to the report}``."""
    folder = os.path.splitext(os.path.basename(path))[0] + '-repro'
    scripts = {}
    for prop in report['properties']:
        if prop['outcome'] == 'failed' and prop['repro']:
            name = 'repro_' + ''.join(c if c.isalnum() else '_'
                                      for c in prop['id'].split('::', 1)[-1]).strip('_') + '.py'
            os.makedirs(os.path.join(os.path.dirname(path), folder), exist_ok=True)
            with open(os.path.join(os.path.dirname(path), folder, name), 'w',
                      encoding='utf-8') as f:
                f.write(prop['repro'])
            scripts[prop['id']] = f'{folder}/{name}'
    return scripts


def cause(prop):
    """What a failure is grouped under: the missing name, or the first line
    of its message with numbers, quoted text and addresses generalized."""
    first = (prop['message'] or '').strip().splitlines()[:1]
    text = first[0] if first else '(no message)'
    lacks = re.search(r'implementation lacks (\S+)', prop['message'] or '')
    if lacks:
        return f'implementation lacks {lacks.group(1)}'
    text = re.sub(r'0x[0-9a-fA-F]+', '0x…', text)
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", text)
    text = re.sub(r'[-+]?\d+(\.\d+)?(e[-+]?\d+)?', 'N', text)
    return text[:160]


def label(report):
    impl = report['implementation']
    return f"{impl['name']} {impl['version']} · {report['device']}"


def _run_line(report):
    impl, hyp = report['implementation'], report['hypothesis']
    return (f"`--impl={impl['spec']}` ({impl['file']}), device {report['device']}; "
            f"chainer-conformance {report['suite']['version']}, hypothesis {hyp['version']} "
            f"profile {hyp['profile']} ({hyp['max_examples']} examples), seed {hyp['seed']}")


def _table(header, rows):
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    lines += ['| ' + ' | '.join(str(c).replace('|', '\\|') for c in row) + ' |' for row in rows]
    return '\n'.join(lines)


def to_markdown(report, scripts=None):
    """One run: the matrix by family and by level, then the failures grouped
    by cause (each marked when Chainer 7.8.1 is documented to fail it too,
    with its script's relative path from ``scripts``), expected failures,
    unsupported and skipped properties, expectation problems."""
    scripts = scripts or {}
    levels = collections.defaultdict(lambda: dict.fromkeys(OUTCOMES, 0))
    for prop in report['properties']:
        levels[prop['level']][prop['outcome']] += 1
    parts = [f'# Chainer conformance: {label(report)}', '', _run_line(report), '',
             _table(('family',) + COLUMNS,
                    [(family,) + columns(row) for family, row in report['summary'].items()]
                    + [('**total**',) + columns(totals(report))]), '',
             _table(('level',) + OUTCOMES,
                    [(level,) + tuple(levels[level][o] for o in OUTCOMES)
                     for level in ('must', 'quirk', 'hardening') if level in levels]), '']
    by_outcome = collections.defaultdict(list)
    for prop in report['properties']:
        by_outcome[prop['outcome']].append(prop)
    if by_outcome['failed']:
        groups = collections.defaultdict(list)
        for prop in by_outcome['failed']:
            groups[cause(prop)].append(prop)
        shared = sum(1 for p in by_outcome['failed'] if p.get('chainer_diverges'))
        lacking = sum(1 for p in by_outcome['failed'] if p.get('failure') == 'lacks')
        parts += [f"## Failures: {len(by_outcome['failed'])} properties "
                  f"({len(by_outcome['failed']) - lacking} on their rule, {lacking} for a "
                  f"name or argument the implementation lacks), {len(groups)} causes"
                  + (f', {shared} of them failed by Chainer 7.8.1 too' if shared else ''), '']
        for text, props in sorted(groups.items(), key=lambda g: -len(g[1])):
            parts += [f'### {len(props)} × `{text}`', '']
            for prop in props:
                also = (' — **Chainer 7.8.1 fails it too** (documented divergence)'
                        if prop.get('chainer_diverges') else '')
                script = scripts.get(prop['id']) or prop['repro_file']
                where = f'; reproduce: [`{script}`]({script})' if script else ''
                parts.append(f"- `{prop['id']}` ({prop['family']}, {prop['level']}){also}"
                             f'{where}')
            parts += ['', '```', props[0]['message'] or '', '```', '']
    for outcome, title in (('xfailed', 'Expected failures'), ('unsupported', 'Unsupported'),
                           ('skipped', 'Skipped')):
        if by_outcome[outcome]:
            parts += [f'## {title}', '']
            parts += [f"- `{p['id']}`: {p['reason']}" for p in by_outcome[outcome]]
            parts.append('')
    problems = report['expectations']['problems']
    if problems:
        parts += ['## Expectation problems', ''] + [f'- {p}' for p in problems] + ['']
    return '\n'.join(parts)


def _cell(row):
    if row is None:
        return '-'
    lacks = row.get('lacks', 0)
    words = [(f"**{row[o]} {o}**" + (f' ({lacks} lacks)' if lacks else ''))
             if o == 'failed' else f'{row[o]} {o}' for o in OUTCOMES if row[o]]
    return ', '.join(words) or '-'


def merge_markdown(reports):
    """One matrix for several runs: families (then properties) as rows,
    implementations as columns."""
    labels = [label(r) for r in reports]
    for i, text in enumerate(labels):
        if labels.count(text) > 1:
            labels[i] = f'{text} ({i + 1})'
    families = sorted({f for r in reports for f in r['summary']})
    parts = ['# Chainer conformance matrix', '']
    parts += [f'- **{text}**: {_run_line(r)}' for text, r in zip(labels, reports)]
    parts += ['', _table(['family'] + labels,
                         [[family] + [_cell(r['summary'].get(family)) for r in reports]
                          for family in families]
                         + [['**total**'] + [_cell(totals(r)) for r in reports]]), '']
    outcomes = [{p['id']: p for p in r['properties']} for r in reports]
    ids = sorted({i for o in outcomes for i in o})
    rows = []
    for prop_id in ids:
        first = next(o[prop_id] for o in outcomes if prop_id in o)
        cells = [('**failed**' if o[prop_id]['outcome'] == 'failed' else o[prop_id]['outcome'])
                 if prop_id in o else '-' for o in outcomes]
        rows.append([f'`{prop_id}`', first['family'], first['level']] + cells)
    parts += ['## Properties', '', _table(['property', 'family', 'level'] + labels, rows), '']
    return '\n'.join(parts)


def load_schema():
    with open(SCHEMA_FILE, encoding='utf-8') as f:
        return json.load(f)


_TYPES = {'object': dict, 'array': list, 'string': str, 'boolean': bool,
          'integer': int, 'number': (int, float), 'null': type(None)}


def validate(instance, schema=None, path='$'):
    """Errors of ``instance`` against ``schema`` (default: the report schema).

    Understands the JSON-schema keywords the report schema uses: type, enum,
    required, properties, additionalProperties, items, minimum.
    """
    schema = load_schema() if schema is None else schema
    types = schema.get('type')
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(isinstance(instance, _TYPES[t])
                   and not (isinstance(instance, bool) and t in ('integer', 'number'))
                   for t in types):
            return [f'{path}: expected {" or ".join(types)}, got {instance!r:.80}']
    if 'enum' in schema and instance not in schema['enum']:
        return [f'{path}: {instance!r} is not one of {schema["enum"]}']
    errors = []
    if 'minimum' in schema and isinstance(instance, (int, float)) and instance < schema['minimum']:
        errors.append(f'{path}: {instance} < {schema["minimum"]}')
    if isinstance(instance, dict):
        errors += [f'{path}: missing {key!r}' for key in schema.get('required', ())
                   if key not in instance]
        known = schema.get('properties', {})
        extra = schema.get('additionalProperties', True)
        for key, value in instance.items():
            if key in known:
                errors += validate(value, known[key], f'{path}.{key}')
            elif extra is False:
                errors.append(f'{path}: unexpected key {key!r}')
            elif isinstance(extra, dict):
                errors += validate(value, extra, f'{path}.{key}')
    if isinstance(instance, list) and 'items' in schema:
        for i, item in enumerate(instance):
            errors += validate(item, schema['items'], f'{path}[{i}]')
    return errors


def read(path):
    """A report from ``path``; ``ValueError`` naming the file if it is not one."""
    with open(path, encoding='utf-8') as f:
        try:
            report = json.load(f)
        except ValueError as e:     # JSONDecodeError, UnicodeDecodeError
            raise ValueError(f'{path} is not a JSON report: {e}') from None
    errors = validate(report)
    if errors:
        raise ValueError(f'{path} is not a {FORMAT} report:\n  ' + '\n  '.join(errors[:10]))
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m conformance.report')
    commands = parser.add_subparsers(dest='command', required=True)
    merge = commands.add_parser('merge', help='merge JSON reports into one Markdown matrix')
    merge.add_argument('reports', nargs='+', metavar='REPORT.json')
    merge.add_argument('-o', '--output', metavar='MATRIX.md',
                       help='write here instead of standard output')
    args = parser.parse_args(argv)
    try:
        reports = [read(path) for path in args.reports]
    except (OSError, ValueError) as e:
        parser.exit(2, f'error: {e}\n')
    text = merge_markdown(reports)
    if args.output:
        with open(args.output, 'w', encoding='utf-8') as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
