"""Where the conformance suite's time goes: per property, hypothesis
generation, hypothesis's engine, the implementation under test and the suite.

Why: the suite's cost decides how many examples a gate can afford (issue 15);
this says which properties and which strategies to make cheaper.  Not a
timed test: it measures, prints, and fails on nothing.

Each (implementation, examples) pair runs the suite in a fresh interpreter,
in-process there (``pytest.main`` with the conformance plugin and a small
plugin of this file), with a fixed ``--seed``.  A thread samples the main
thread's stack every ``--interval`` seconds during each property's call and
files the sample under the innermost frame that decides it:

- implementation: a frame of the implementation's package (``reference/``,
  or ``chainer/`` and the suite's Chainer shims), NumPy calls made from it
  included;
- generation: a strategy (``conformance/strategies/``, hypothesis's
  ``strategies/``) or hypothesis's ``ConjectureData.draw``;
- suite: the property's body (a ``conformance/test_*.py`` frame with neither
  of the above inside it: runners, models, comparisons);
- engine: hypothesis frames only (choice sequences, shrinking, replay).

Sampling, not ``sys.setprofile``: a profile hook on every call would slow the
implementation's many small calls far more than the rest and skew the split;
a sampler costs a stack walk per sample whatever runs.  Samples land where
the main thread next lets the GIL go, so each share is an estimate (``samples``
says of how many).  Hypothesis's own exact measure of generation (the draw
time its statistics keep per test case) is printed beside the sampled one as
a check.  The property's setup and teardown (fixtures) count as suite.

    .venv/bin/python benchmarks/suite_split.py                 # reference and chainer, 25 and 100
    .venv/bin/python benchmarks/suite_split.py --impls reference --examples 25 -k lr_scaling
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATEGORIES = ('generation', 'engine', 'implementation', 'suite')


# --- the child: one suite run, sampled -----------------------------------

def _implementation_roots(impl):
    import conformance
    if impl == 'chainer':
        from conformance.chainer_compat import import_chainer
        package = import_chainer()
        shims = os.path.join(os.path.dirname(conformance.__file__), 'chainer_compat.py')
        return (os.path.dirname(package.__file__) + os.sep, shims)
    import reference
    return (os.path.dirname(reference.__file__) + os.sep,)


def _classifier(impl_roots):
    """``classify(frame)``: the category of a sample whose innermost frame is ``frame``."""
    import conformance
    import hypothesis
    suite = os.path.dirname(conformance.__file__)
    generation = (os.path.join(suite, 'strategies') + os.sep,
                  os.path.join(os.path.dirname(hypothesis.__file__), 'strategies') + os.sep)
    body = os.path.join(suite, 'test_')
    engine = os.path.dirname(hypothesis.__file__) + os.sep
    draw = os.path.join(engine, 'internal', 'conjecture', 'data.py')
    kinds = {}

    def kind(code):
        try:
            return kinds[code]
        except KeyError:
            pass
        name = code.co_filename
        if name.startswith(impl_roots):
            found = 'implementation'
        elif name.startswith(generation) or (name == draw and code.co_name == 'draw'):
            found = 'generation'
        elif name.startswith(body):
            found = 'suite'
        elif name.startswith(engine):
            found = 'engine?'  # decided only if nothing inside the engine decides
        else:
            found = None  # NumPy, the standard library, pytest: the caller decides
        kinds[code] = found
        return found

    import _pytest
    runner = os.path.dirname(_pytest.__file__) + os.sep

    def classify(frame):
        in_engine = False
        while frame is not None:
            found = kind(frame.f_code)
            if found == 'engine?':
                in_engine = True
            elif found == 'suite' and frame.f_back is not None and \
                    frame.f_back.f_code.co_filename.startswith(runner):
                # What pytest calls is hypothesis's wrapper, which carries
                # the test's name and file: the body is what hypothesis calls.
                pass
            elif found is not None:
                return found
            frame = frame.f_back
        return 'engine' if in_engine else 'suite'

    return classify


class Sampler:
    """Samples the main thread's stack while ``current`` names a property."""

    def __init__(self, classify, interval):
        self.classify, self.interval = classify, interval
        self.counts = collections.defaultdict(collections.Counter)
        self.current = None
        self.errors = []
        self._main = threading.main_thread().ident
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.wait(self.interval):
            current = self.current
            if current is None:
                continue
            try:
                frame = sys._current_frames().get(self._main)
                if frame is not None:
                    self.counts[current][self.classify(frame)] += 1
            except Exception as exc:  # a sample lost; the sampler goes on
                self.errors.append(repr(exc))
            frame = None


class Recorder:
    """pytest plugin: each property's wall time, samples and hypothesis statistics."""

    def __init__(self, sampler):
        self.sampler = sampler
        self.rows = {}

    def _row(self, item):
        mark = item.get_closest_marker('conformance')
        family = mark.kwargs.get('family') if mark is not None else None
        return self.rows.setdefault(item.nodeid, dict(
            id=f"{item.path.name}::{item.nodeid.split('::', 1)[1]}", family=family or '-',
            wall=0.0, call=0.0, runtime=0.0, drawtime=0.0, cases=0, outcome='passed'))

    def pytest_runtest_protocol(self, item, nextitem):
        self._row(item)['start'] = time.perf_counter()

    def pytest_runtest_logfinish(self, nodeid, location):
        row = self.rows.get(nodeid)
        if row is not None and 'start' in row:
            row['wall'] += time.perf_counter() - row.pop('start')

    def pytest_runtest_logreport(self, report):
        row = self.rows.get(report.nodeid)
        if row is not None and report.when == 'call' and not report.passed:
            row['outcome'] = report.outcome

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_call(self, item):
        start = time.perf_counter()
        self.sampler.current = item.nodeid
        try:
            return (yield)
        finally:
            self.sampler.current = None
            self._row(item)['call'] += time.perf_counter() - start


class Statistics:
    """pytest plugin: hypothesis's statistics of each property's run.

    Innermost, inside hypothesis's own plugin, which sets the statistics
    collector for every call: its collector is kept and called too.
    """

    def __init__(self, recorder):
        self.recorder = recorder

    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_runtest_call(self, item):
        from hypothesis.statistics import collector
        row, outer = self.recorder._row(item), collector.value

        def note(stats):
            for phase in stats.values():
                if isinstance(phase, dict):
                    for case in phase.get('test-cases', ()):
                        row['runtime'] += case['runtime']
                        row['drawtime'] += case['drawtime']
                        row['cases'] += 1
            if outer is not None:
                outer(stats)

        with collector.with_value(note):
            return (yield)


def child(args, pytest_args):
    sys.path.insert(0, ROOT)
    sampler = Sampler(_classifier(_implementation_roots(args.impl)), args.interval)
    recorder = Recorder(sampler)
    argv = ['conformance', f'--impl={args.impl}', f'--hypothesis-profile={args.profile}',
            f'--hypothesis-seed={args.seed}', f'--max-examples={args.examples}', '-q',
            '-p', 'no:cacheprovider', *pytest_args]
    sampler.start()
    start = time.perf_counter()
    status = pytest.main(argv, plugins=[recorder, Statistics(recorder)])
    total = time.perf_counter() - start
    sampler.stop()
    rows = []
    for nodeid, row in recorder.rows.items():
        row.pop('start', None)
        row['samples'] = dict(sampler.counts.get(nodeid, {}))
        rows.append(row)
    with open(args.out, 'w') as f:
        json.dump(dict(impl=args.impl, examples=args.examples, total=total,
                       status=int(status), rows=rows, sampling_errors=sampler.errors[:20]), f)


# --- the parent: runs the children, prints the tables --------------------

def split(row):
    """Seconds per category: the call's samples scale its time; setup and
    teardown are suite."""
    samples = row['samples']
    counted = sum(samples.values())
    seconds = {c: (row['call'] * samples.get(c, 0) / counted if counted else 0.0)
               for c in CATEGORIES}
    if not counted:
        seconds['suite'] = row['call']
    seconds['suite'] += max(row['wall'] - row['call'], 0.0)
    return seconds


def _shares(seconds, wall):
    return ' '.join(f'{100 * seconds[c] / wall if wall else 0:>5.0f}%' for c in CATEGORIES)


HEADER = (f'{"wall s":>8} {"gen":>6} {"engine":>6} {"impl":>6} {"suite":>6} '
          f'{"stats: gen":>10} {"engine":>6} {"samples":>7}')


def _exact(part):
    """Hypothesis's own measure: draw time, and the call's time outside test cases."""
    wall = part['wall']
    if not wall:
        return f'{0:>9.0f}% {0:>5.0f}%'
    return (f"{100 * part['drawtime'] / wall:>9.0f}% "
            f"{100 * max(part['call'] - part['runtime'], 0) / wall:>5.0f}%")


def print_run(run, top):
    rows = run['rows']
    print(f"\n== --impl={run['impl']} --max-examples={run['examples']}: "
          f"{run['total']:.1f} s in all (pytest exit {run['status']}, "
          f"{len(rows)} properties)")
    families = collections.defaultdict(lambda: dict(
        wall=0.0, call=0.0, runtime=0.0, drawtime=0.0, samples=0,
        seconds=dict.fromkeys(CATEGORIES, 0.0)))
    width = max((len(r['id']) for r in rows), default=10)
    print(f'{"property":<{width}} {HEADER}')
    for row in sorted(rows, key=lambda r: -r['wall']):
        seconds = split(row)
        row['seconds'] = seconds
        family = families[row['family']]
        for key in ('wall', 'call', 'runtime', 'drawtime'):
            family[key] += row[key]
        family['samples'] += sum(row['samples'].values())
        for c in CATEGORIES:
            family['seconds'][c] += seconds[c]
        print(f"{row['id']:<{width}} {row['wall']:>8.2f} {_shares(seconds, row['wall'])} "
              f"{_exact(row)} {sum(row['samples'].values()):>7}"
              + ('' if row['outcome'] == 'passed' else f"  {row['outcome']}"))
    print(f'\n{"family":<24} {HEADER}')
    everything = dict(wall=0.0, call=0.0, runtime=0.0, drawtime=0.0, samples=0,
                      seconds=dict.fromkeys(CATEGORIES, 0.0))
    for name, family in sorted(families.items(), key=lambda kv: -kv[1]['wall']):
        print(f"{name:<24} {family['wall']:>8.2f} {_shares(family['seconds'], family['wall'])} "
              f"{_exact(family)} {family['samples']:>7}")
        for key in ('wall', 'call', 'runtime', 'drawtime'):
            everything[key] += family[key]
        everything['samples'] += family['samples']
        for c in CATEGORIES:
            everything['seconds'][c] += family['seconds'][c]
    if everything['wall']:
        print(f"{'all properties':<24} {everything['wall']:>8.2f} "
              f"{_shares(everything['seconds'], everything['wall'])} "
              f"{_exact(everything)} {everything['samples']:>7}")
        print(f"(the rest of the {run['total']:.1f} s: start-up and collection, "
              f"{run['total'] - everything['wall']:.1f} s)")
    print(f'\ncostliest generation (sampled seconds; share of the property):')
    for row in sorted(rows, key=lambda r: -r['seconds']['generation'])[:top]:
        gen = row['seconds']['generation']
        print(f"  {gen:>6.2f} s {100 * gen / row['wall'] if row['wall'] else 0:>4.0f}%  {row['id']}")
    if run.get('sampling_errors'):
        print(f"samples lost to errors: {run['sampling_errors']}")
    sys.stdout.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--impls', default='reference,chainer')
    parser.add_argument('--examples', default='25,100',
                        help='examples per property, comma separated (default: 25,100)')
    parser.add_argument('--profile', default='ci')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--interval', type=float, default=0.002,
                        help='seconds between stack samples (default: 0.002)')
    parser.add_argument('--top', type=int, default=10,
                        help='properties listed by generation time (default: 10)')
    parser.add_argument('--json', metavar='PATH', help='also write every run as JSON')
    parser.add_argument('--child', help=argparse.SUPPRESS)
    parser.add_argument('--out', help=argparse.SUPPRESS)
    args, pytest_args = parser.parse_known_args(argv)
    if args.child:
        args.impl, args.examples = args.child, int(args.examples)
        return child(args, pytest_args)
    runs = []
    with tempfile.TemporaryDirectory() as directory:
        for impl in args.impls.split(','):
            for examples in args.examples.split(','):
                out = os.path.join(directory, f'{impl}-{examples}.json')
                command = [sys.executable, os.path.abspath(__file__), '--child', impl,
                           '--examples', examples, '--profile', args.profile,
                           '--seed', str(args.seed), '--interval', str(args.interval),
                           '--out', out, *pytest_args]
                print(f"\n== running: {' '.join(command[1:])}", flush=True)
                subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
                with open(out) as f:
                    runs.append(json.load(f))
                print_run(runs[-1], args.top)
    print('\nwall time per run (seconds):')
    for run in runs:
        print(f"  --impl={run['impl']:<10} --max-examples={run['examples']:<4} {run['total']:>7.1f}")
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(runs, f, indent=1)


if __name__ == '__main__':
    main()
