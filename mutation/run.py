"""Mutation testing of the reference's semantic core with the conformance suite.

    python mutation/run.py                 # every mutant (see README for the time)
    python mutation/run.py --sample 50     # 50 mutants per module, fixed seed
    python mutation/run.py --only 'reference.training.triggers*'   # one area
    python mutation/run.py --only 'reference.iterators*' --sample 40   # a sample of one area
    python mutation/run.py --retest        # after changing the suite or the reference:
                                           # re-run the undetected and changed mutants
    python mutation/run.py --resume        # go on with an interrupted run
    python mutation/run.py --report-only   # rewrite the report from the last run
    python mutation/run.py --work build/mutation-iterators --only 'reference.iterators*'
                                           # a second run beside another one: its own scratch
                                           # tree, report in that folder

mutmut 3 runs in a scratch copy of the tree (build/mutation/) so that its
``mutants/`` folder and setup.cfg never touch the repository; its per-function
test selection (recorded in a first, clean run) is what keeps a mutant's run
short.  Mutants run in forks of one warmed-up server (fast); the ones that
go undetected are then re-run one fresh process each (see ``confirm``).  The
report is written by mutation/report.py.
"""
import argparse
import fnmatch
import json
import os
import pathlib
import random
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
HERE = ROOT / 'mutation'
WORK = ROOT / 'build' / 'mutation'
COPIED = ('reference', 'conformance', 'pyproject.toml')


def prepare():
    """A fresh scratch tree: the sources, and mutmut's config as setup.cfg."""
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    ignore = shutil.ignore_patterns('__pycache__', '*.pyc')
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, WORK / name, ignore=ignore)
        else:
            shutil.copy2(source, WORK / name)
    shutil.copy2(HERE / 'mutmut.cfg', WORK / 'setup.cfg')


def mutmut(*args):
    env = dict(os.environ, CI='1')
    command = [sys.executable, '-m', 'mutmut', 'run', *args]
    print('$', ' '.join(command[:6]), '...' if len(command) > 6 else '', flush=True)
    log = open(WORK / 'mutmut.log', 'a')
    return subprocess.run(command, cwd=WORK, env=env, stdout=log, stderr=subprocess.STDOUT).returncode


def refresh_sources():
    """Copy the current suite and reference over the scratch tree's, keeping
    the mutants' results: mutmut regenerates the mutants of functions that
    changed (their results start over) and records test selection afresh."""
    ignore = shutil.ignore_patterns('__pycache__', '*.pyc')
    for name in ('conformance', 'reference'):
        shutil.rmtree(WORK / name, ignore_errors=True)
        shutil.copytree(ROOT / name, WORK / name, ignore=ignore)
    shutil.rmtree(WORK / 'mutants' / 'conformance', ignore_errors=True)
    (WORK / 'mutants' / 'mutmut-stats.json').unlink(missing_ok=True)


def confirm(names, children):
    """Re-run ``names`` with a fresh process per mutant (mutmut's ``fork``
    isolation).  The fork server is fast but imported the reference before
    any mutant was chosen, so mutants of code that runs at import time
    (class attributes such as HyperparameterProxy) cannot act there; and a
    survivor is worth a second, independent look before a human triages it.
    Only the verdicts of ``names`` change."""
    config = (HERE / 'mutmut.cfg').read_text()
    (WORK / 'setup.cfg').write_text(
        config.replace('process_isolation = forkserver', 'process_isolation = fork'))
    print(f'confirming {len(names)} undetected mutants, one process each', flush=True)
    if names:
        mutmut(children, *names)
    shutil.copy2(HERE / 'mutmut.cfg', WORK / 'setup.cfg')


def undetected_mutant_names():
    """The undetected mutants of the last run (of its sample, if it had one)."""
    sys.path.insert(0, str(HERE))
    import report
    chosen = report.sampled(WORK)
    return [name for name, status in report.statuses(WORK).items()
            if status in report.UNDETECTED and (chosen is None or name in chosen)]


def mutant_names_by_module():
    return {str(meta.relative_to(WORK / 'mutants')).removesuffix('.meta'):
            sorted(json.loads(meta.read_text())['exit_code_by_key'])
            for meta in sorted((WORK / 'mutants').rglob('*.py.meta'))}


def stratified_sample(per_module, seed, only=()):
    """``per_module`` mutants of every module (all of a smaller one), drawn
    with ``seed``; recorded in build/mutation/sample.json for the report.
    ``only``: mutant-name globs; the modules with no matching mutant are
    left out, and only matching mutants are drawn."""
    rng = random.Random(seed)
    chosen = []
    for module, names in mutant_names_by_module().items():
        if only:
            names = [n for n in names if any(fnmatch.fnmatchcase(n, g) for g in only)]
        chosen += names if len(names) <= per_module else rng.sample(names, per_module)
    (WORK / 'sample.json').write_text(json.dumps(
        dict(per_module=per_module, seed=seed, names=sorted(chosen)), indent=1))
    return sorted(chosen)


def unchecked(names):
    sys.path.insert(0, str(HERE))
    import report
    status = report.statuses(WORK)
    return [name for name in names if status.get(name) == 'not checked']


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sample', type=int, default=0,
                        help='run only this many mutants of each module, drawn with --seed '
                             '(0: all)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--max-children', type=int, default=os.cpu_count() or 2)
    parser.add_argument('--only', action='append', default=[],
                        help="mutant-name glob, e.g. 'reference.optimizers.adam*' (repeatable)")
    parser.add_argument('--retest', action='store_true',
                        help="re-run only the last run's undetected mutants against the current suite")
    parser.add_argument('--resume', action='store_true',
                        help='go on with an interrupted run: test the mutants not checked yet')
    parser.add_argument('--report-only', action='store_true')
    parser.add_argument('--work', type=pathlib.Path,
                        help='scratch tree and report folder other than build/mutation/ and mutation/, '
                             'so that two runs (two areas) can go on at once')
    args = parser.parse_args(argv)
    global WORK
    report_dir = HERE
    if args.work is not None:
        WORK = report_dir = args.work.resolve()
    started = time.monotonic()
    children = f'--max-children={args.max_children}'
    if args.retest:
        refresh_sources()
        mutmut(children, 'no-such-mutant*')     # regenerates mutants and test selection
        sys.path.insert(0, str(HERE))
        import report
        chosen = report.sampled(WORK)
        names = undetected_mutant_names() + unchecked(
            sorted(chosen) if chosen is not None else sorted(report.statuses(WORK)))
        print(f'retesting {len(names)} undetected or changed mutants', flush=True)
        if names:
            mutmut(children, *names)
        confirm(undetected_mutant_names(), children)
    elif args.resume:
        shutil.copy2(HERE / 'mutmut.cfg', WORK / 'setup.cfg')
        if args.sample:
            names = unchecked(stratified_sample(args.sample, args.seed, args.only))
            if names:
                mutmut(children, *names)
        else:
            mutmut(children)
        confirm(undetected_mutant_names(), children)
    elif not args.report_only:
        prepare()
        (WORK / 'sample.json').unlink(missing_ok=True)
        if args.sample:
            # Generates the mutants and the test selection, runs none of them.
            mutmut(children, 'no-such-mutant*')
            mutmut(children, *stratified_sample(args.sample, args.seed, args.only))
        elif args.only:
            mutmut(children, *args.only)
        else:
            mutmut(children)
        confirm(undetected_mutant_names(), children)
    elapsed = time.monotonic() - started
    sys.path.insert(0, str(HERE))
    import report
    report.write(WORK, HERE, sample=args.sample, seed=args.seed, retest=args.retest,
                 seconds=None if args.report_only else elapsed, out=report_dir)


if __name__ == '__main__':
    main()
