#!/usr/bin/env python3
"""The seed sweep: the suite on every lane with many seeds, one line per non-pass.

    make sweep SEEDS=1-20                 # every lane, both implementations
    scripts/sweep.py --seeds 1-20 --lanes numpy1,numpy2 --impls reference --jobs 2

A correct implementation never fails, whatever the seed: each line this
prints for the reference or for Chainer is a bug of the reference, a bug of
the suite, or a divergence of Chainer still to be pinned deterministically.
Each run uses the ``ci`` profile with ``--hypothesis-seed=SEED`` in a fresh
process, writes a JSON report, and is summarized as
``lane impl seed: property outcome: first line of the message``; the table
at the end gives, per lane and implementation, the seeds run, the non-passes
and the time.  Exit status 1 if anything did not pass.  Not part of
``make test``, which keeps one fixed seed.
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LANES = {'numpy1': '.venv', 'numpy2': '.venv-numpy2',
         'py3.12': '.venv-py3.12', 'py3.13': '.venv-py3.13'}
IMPLS = ('reference', 'chainer')
PASSING = {'passed', 'xfailed', 'skipped', 'unsupported'}


def seeds(text):
    """``1-20`` or ``3,7,11`` or a mix: the seeds, in order."""
    out = []
    for part in text.split(','):
        low, _, high = part.partition('-')
        out.extend(range(int(low), int(high or low) + 1))
    return out


def run(lane, impl, seed, extra):
    python = os.path.join(ROOT, LANES[lane], 'bin', 'python')
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, 'report.json')
        start = time.monotonic()
        done = subprocess.run(
            [python, '-m', 'pytest', 'conformance', f'--impl={impl}', '-q', '-p',
             'no:cacheprovider', '--hypothesis-profile=ci', f'--hypothesis-seed={seed}',
             f'--report={report}', *extra],
            cwd=ROOT, capture_output=True, text=True)
        elapsed = time.monotonic() - start
        if not os.path.exists(report):
            tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
            return lane, impl, seed, elapsed, [('(run)', f'exit {done.returncode}',
                                                ' | '.join(tail))]
        with open(report, encoding='utf-8') as f:
            document = json.load(f)
    bad = [(p['id'], p['outcome'], (p['message'] or p['reason'] or '').splitlines()[:1])
           for p in document['properties'] if p['outcome'] not in PASSING]
    bad += [('(expectations)', 'problem', [problem])
            for problem in document['expectations']['problems']]
    if done.returncode not in (0, 1) or (done.returncode == 1 and not bad):
        bad.append(('(run)', f'exit {done.returncode}', [done.stdout.strip()[-200:]]))
    return lane, impl, seed, elapsed, [(i, o, m[0] if m else '') for i, o, m in bad]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--seeds', type=seeds, default=seeds('1-20'))
    parser.add_argument('--lanes', default=','.join(LANES),
                        help=f'comma-separated, of {", ".join(LANES)}')
    parser.add_argument('--impls', default=','.join(IMPLS))
    parser.add_argument('--jobs', type=int, default=os.cpu_count() or 1)
    parser.add_argument('pytest_args', nargs='*', help='passed on to pytest (after --)')
    args = parser.parse_args(argv)
    lanes, impls = args.lanes.split(','), args.impls.split(',')
    for lane in lanes:
        if lane not in LANES:
            parser.error(f'unknown lane {lane!r}; lanes: {", ".join(LANES)}')
        if not os.path.exists(os.path.join(ROOT, LANES[lane], '.installed')):
            parser.error(f'lane {lane}: {LANES[lane]}/ is not built; '
                         f'run make {LANES[lane]}/.installed')
    jobs = [(lane, impl, seed) for lane in lanes for impl in impls for seed in args.seeds]
    table, failures = {}, 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(run, *job, args.pytest_args) for job in jobs]
        for future in concurrent.futures.as_completed(futures):
            lane, impl, seed, elapsed, bad = future.result()
            row = table.setdefault((lane, impl), [0, 0, 0.0, []])
            row[0] += 1
            row[2] += elapsed
            if bad:
                row[1] += 1
                row[3].append(seed)
            for property_id, outcome, message in bad:
                failures += 1
                print(f'{lane} {impl} seed {seed}: {property_id} {outcome}: {message}',
                      flush=True)
    print(f'\n{"lane":8} {"impl":10} {"seeds":>5} {"non-pass runs":>13} {"time":>8}  seeds that failed')
    for (lane, impl), (count, bad_runs, elapsed, bad_seeds) in sorted(table.items()):
        print(f'{lane:8} {impl:10} {count:5} {bad_runs:13} {elapsed:7.0f}s  '
              f'{",".join(map(str, sorted(bad_seeds))) or "-"}')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
