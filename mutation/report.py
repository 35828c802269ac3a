"""Write mutation/report.md and report.json from a mutmut 3 run in build/mutation/.

An undetected mutant listed in mutation/equivalent.txt (``<mutant name>  #
reason``) is counted as equivalent, not as a miss; a listed mutant that no longer survives
is reported as a stale entry so the list cannot rot silently.  Timeouts count
as detected (the suite did not let the mutant pass).
"""
import collections
import json
import pathlib

STATUS = {0: 'survived', 1: 'killed', 3: 'killed', -24: 'timeout', 24: 'timeout',
          36: 'timeout', 152: 'timeout', 255: 'timeout', -11: 'killed', -9: 'killed',
          33: 'no tests', 34: 'skipped', 35: 'suspicious', 37: 'killed', 5: 'no tests',
          None: 'not checked'}
DETECTED = ('killed', 'timeout')
UNDETECTED = ('survived', 'no tests', 'suspicious')


def status_of(code):
    try:
        from mutmut.stats import status_by_exit_code
        return 'not checked' if code is None else status_by_exit_code[code]
    except ImportError:
        return STATUS.get(code, 'suspicious')


def read_equivalent(path):
    """``name  # reason`` per line; every entry must carry a reason."""
    entries = {}
    if not path.exists():
        return entries
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        name, _, reason = line.partition('#')
        if not reason.strip():
            raise SystemExit(f'{path}:{number}: equivalent mutant without a reason')
        entries[name.strip()] = reason.strip()
    return entries


def module_of(meta, mutants_dir):
    return str(meta.relative_to(mutants_dir)).removesuffix('.meta')


_PARSED = {}


def diff_of(work, module, name):
    """The mutant's diff, as ``mutmut show`` prints it (one parse per module)."""
    import difflib

    import libcst
    from mutmut.mutation.diff_apply import read_mutant_function, read_original_function
    if module not in _PARSED:
        _PARSED[module] = libcst.parse_module((work / 'mutants' / module).read_text())
    tree = _PARSED[module]
    original, mutant = (libcst.Module([f]).code.strip().split('\n') for f in
                        (read_original_function(tree, name), read_mutant_function(tree, name)))
    return '\n'.join(difflib.unified_diff(original, mutant, module, module, lineterm=''))


def statuses(work):
    """Each generated mutant's status in the last run, by name."""
    found = {}
    for meta in sorted((pathlib.Path(work) / 'mutants').rglob('*.py.meta')):
        for name, code in json.loads(meta.read_text()).get('exit_code_by_key', {}).items():
            found[name] = status_of(code)
    return found


def sampled(work):
    """The names of the last run's stratified sample, or None (all mutants)."""
    path = pathlib.Path(work) / 'sample.json'
    return set(json.loads(path.read_text())['names']) if path.exists() else None


def collect(work, equivalent):
    mutants_dir = work / 'mutants'
    chosen = sampled(work)
    modules = {}
    for meta in sorted(mutants_dir.rglob('*.py.meta')):
        data = json.loads(meta.read_text())
        codes = data.get('exit_code_by_key', {})
        if not codes:
            continue
        module = module_of(meta, mutants_dir)
        rows = modules.setdefault(module, [])
        for name, code in codes.items():
            if chosen is not None and name not in chosen:
                continue
            status = status_of(code)
            if status in UNDETECTED and name in equivalent:
                status = 'equivalent'
            rows.append((name, status))
    return {module: rows for module, rows in modules.items() if rows}   # a sample of some areas


def score(counter):
    """Detected over non-equivalent checked mutants; None when none was checked."""
    counted = sum(counter[s] for s in DETECTED + UNDETECTED)
    detected = sum(counter[s] for s in DETECTED)
    return detected, counted, (round(100.0 * detected / counted, 1) if counted else None)


def write(work, here, sample=0, seed=0, seconds=None, retest=False, out=None):
    """The report of the run in ``work`` into ``out`` (default: ``here``, mutation/)."""
    work, here = pathlib.Path(work), pathlib.Path(here)
    out = here if out is None else pathlib.Path(out)
    if (work / 'sample.json').exists():     # the run's sample, also for a re-test of it
        recorded = json.loads((work / 'sample.json').read_text())
        sample, seed = recorded['per_module'], recorded['seed']
    equivalent = read_equivalent(here / 'equivalent.txt')
    modules = collect(work, equivalent)
    table, survivors, all_status = [], [], {}
    for module, rows in modules.items():
        counter = collections.Counter(status for _, status in rows)
        detected, counted, percent = score(counter)
        table.append(dict(module=module, mutants=len(rows), checked=len(rows) - counter['not checked'],
                          killed=counter['killed'], timeout=counter['timeout'],
                          survived=counter['survived'], no_tests=counter['no tests'],
                          suspicious=counter['suspicious'], equivalent=counter['equivalent'],
                          score=percent))
        for name, status in rows:
            all_status[name] = status
            if status in UNDETECTED:
                survivors.append(dict(name=name, module=module, status=status,
                                      diff=diff_of(work, module, name)))
    stale = sorted(name for name in equivalent if all_status.get(name) not in (None, 'equivalent', 'not checked'))
    total = collections.Counter()
    for row in table:
        for key in ('killed', 'timeout', 'survived', 'no_tests', 'suspicious'):
            total[key] += row[key]
    detected = total['killed'] + total['timeout']
    counted = detected + total['survived'] + total['no_tests'] + total['suspicious']
    summary = dict(sample=sample, seed=seed, retest=retest,
                   seconds=None if seconds is None else round(seconds),
                   detected=detected, non_equivalent=counted,
                   score=round(100.0 * detected / counted, 1) if counted else 100.0,
                   equivalent=sum(r['equivalent'] for r in table), stale_equivalent=stale)
    (out / 'report.json').write_text(json.dumps(
        dict(summary=summary, modules=table, survivors=survivors), indent=1) + '\n')
    (out / 'report.md').write_text(markdown(summary, table, survivors, baseline_scores(here)))
    print(f"mutation score {summary['score']}% ({detected}/{counted} non-equivalent detected), "
          f"{len(survivors)} survivors; report in {out / 'report.md'}")


def baseline_scores(here):
    """Per-module scores of the run recorded in mutation/baseline.json (the
    first full run, before the suite was strengthened from its survivors)."""
    path = pathlib.Path(here) / 'baseline.json'
    if not path.exists():
        return {}
    return {row['module']: row['score'] for row in json.loads(path.read_text())['modules']}


def markdown(summary, table, survivors, before=None):
    mode = (f"stratified sample of {summary['sample']} mutants per module (all of a smaller "
            f"module), seed {summary['seed']}" if summary['sample'] else 'all mutants')
    if summary.get('retest'):
        mode += "; re-test of the previous run's undetected mutants (the others keep their result)"
    took = f"{summary['seconds']} s" if summary['seconds'] is not None else 'n/a (report only)'
    out = ['# Mutation testing report', '',
           f"Mode: {mode}. Run time: {took}. Score: **{summary['score']}%** "
           f"({summary['detected']} of {summary['non_equivalent']} non-equivalent mutants killed "
           f"or timed out; {summary['equivalent']} listed as equivalent in mutation/equivalent.txt).", '',
           '| module | mutants | checked | killed | timeout | survived | no tests | equivalent | score |'
           + (' before |' if before else ''),
           '|---|---:|---:|---:|---:|---:|---:|---:|---:|' + ('---:|' if before else '')]

    def percent(score):
        return 'n/a' if score is None else f'{score}%'
    for r in table:
        out.append(f"| {r['module']} | {r['mutants']} | {r['checked']} | {r['killed']} | {r['timeout']} "
                   f"| {r['survived']} | {r['no_tests']} | {r['equivalent']} | {percent(r['score'])} |"
                   + (f" {percent(before.get(r['module']))} |" if before else ''))
    if before:
        out += ['', '"before": the first full run (mutation/baseline.json), with the suite as it '
                'was before its survivors were triaged.']
    if summary['stale_equivalent']:
        out += ['', '## Stale equivalent entries (no longer surviving)', '']
        out += [f'- `{name}`' for name in summary['stale_equivalent']]
    out += ['', f'## Survivors ({len(survivors)})', '']
    for s in survivors:
        out += [f"### `{s['name']}` ({s['status']})", '', '```diff', s['diff'], '```', '']
    return '\n'.join(out) + '\n'
