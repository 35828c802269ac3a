#!/usr/bin/env python3
"""Re-derive the error bounds of ``conformance/tolerances.py`` from runs.

    .venv/bin/python scripts/calibrate_tolerances.py                    # 10,000 + 5,000
    .venv/bin/python scripts/calibrate_tolerances.py --trajectories 200 --seed 3
    .venv/bin/python scripts/calibrate_tolerances.py --impl reference

``tolerances.py`` bounds how far an implementation's finite-precision update
may stray from the float64 models of
``conformance/models/update_rules.py``: after ``n`` updates,
``C * n * (u * scale + eta)`` with ``C = SAFETY * OPS_PER_STEP``, and for
``use_fp32_update`` that float32 bound plus one float16 rounding.  This script
plays random trajectories drawn from the suite's own strategies (every update
rule, every dtype, 1 to 8 updates; a second batch of float16 parameters under
``use_fp32_update``) on an implementation (Chainer by default), compares each
parameter and state after each update with the model, and prints the largest
error seen as a fraction of the bound, per rule and dtype, next to the
constants: ``C`` would have to be at least ``C * fraction`` to cover what was
seen.  Exit status 1 if any error exceeds its bound (a fraction above 1).
For a given seed every implementation plays the same trajectories.

It also plays three wrong formulas against the same runs (Adam without its
bias correction, NesterovAG without its look-ahead, RMSprop with eps on the
other side of the square root) to show the bound is tight enough to reject
them in float32 and float64; that part is informational.

``RECORDED_ULPS`` (traces recorded on another machine or NumPy major) is not
derived here: it needs two machines or two NumPy majors.  ``fixtures/record.py
--check`` re-records Chainer's traces and compares them with the stored ones
within it.

A trajectory is one parameter: rules are elementwise, so a parameter's
trajectory does not depend on the others.  The player below builds a
one-parameter link through the namespace's own API and does not use
``conformance/runners``: the calibration must not move when the runners do
(a deliberate, short duplicate of ``runners/optim.run_updates``).
"""
import argparse
import dataclasses
import os
import statistics
import sys
import time
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import numpy  # NOQA: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # NOQA: E402
from hypothesis import strategies as st  # NOQA: E402

from conformance import loader, tolerances  # NOQA: E402
from conformance.strategies import optim as strategies  # NOQA: E402

# The float64 models of the update rules (formerly conformance/formulas.py):
# the script's one import of them.
from conformance.models import update_rules  # NOQA: E402

MAX_STEPS = 8
DEFAULT_TRAJECTORIES = 10_000
BIAS_CORRECTION_GONE = 10 ** 6   # beta ** t == 0 for every beta the strategies draw


@dataclasses.dataclass
class Worst:
    """The largest error/bound fraction seen, and where (None: nothing seen)."""
    fraction: float = 0.0
    where: str = None

    def see(self, fraction, where):
        if self.where is None or not fraction <= self.fraction:   # NaN counts as worse
            self.fraction, self.where = fraction, where

    def merge(self, other):
        if other.where is not None:
            self.see(other.fraction, other.where)

    def text(self):
        return '-' if self.where is None else f'{self.fraction:.3g}'

    def described(self):
        return '-' if self.where is None else f'{self.fraction:.3g} ({self.where})'


@dataclasses.dataclass
class Run:
    """One trajectory: the scenario, the implementation's values after each
    update and the model's steps."""
    scenario: object
    actual: list        # [(param, {key: state})] per update
    steps: list         # update_rules.RuleStep per update


# ---------------------------------------------------------------- playing

def play(ns, scenario):
    """The parameter and its rule's state after each ``update()``."""
    link = ns.Link()
    with link.init_scope():
        link.p = ns.Parameter(scenario.init['/p'].copy())
    optimizer = getattr(ns.optimizers, scenario.optimizer)(**scenario.hyper)
    if scenario.fp32 and not scenario.fp32_after_setup:
        optimizer.use_fp32_update()
    optimizer.setup(link)
    if scenario.fp32 and scenario.fp32_after_setup:
        optimizer.use_fp32_update()
    values = []
    for grads in scenario.grads:
        if grads['/p'] is None:
            link.p.cleargrad()
        else:
            link.p.grad = grads['/p'].copy()
        optimizer.update()
        state = link.p.update_rule.state or {}
        values.append((numpy.array(link.p.array),
                       {key: numpy.array(value) for key, value in state.items()}))
    return values


def model(scenario):
    grads = [g['/p'] for g in scenario.grads]
    return update_rules.trajectory(scenario.optimizer, scenario.effective_hyper(),
                                   scenario.init['/p'], grads)


def shapes():
    return st.sampled_from(strategies.SHAPES).map(strategies.single_param_tree)


def draw_scenarios(optimizer, dtype, count, fp32, run_seed):
    """``count`` one-parameter scenarios of ``optimizer`` on ``dtype`` drawn
    from the suite's strategies, with hypothesis seeded by ``run_seed``.  They
    are all drawn before any is played, so every implementation gets the
    same ones."""
    scenarios = []
    if count <= 0:
        return scenarios

    @seed(run_seed)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), derandomize=False)
    @given(data=st.data())
    def collect(data):
        scenario = data.draw(strategies.update_scenarios(
            optimizers=(optimizer,), dtypes=(dtype,), trees=shapes(), max_steps=MAX_STEPS))
        if fp32:
            scenario = dataclasses.replace(scenario, fp32=True,
                                           fp32_after_setup=data.draw(st.booleans()))
        scenarios.append(scenario)

    collect()
    return scenarios


# ---------------------------------------------------------------- measuring

def fractions(actual, expected, bound):
    """Elementwise |actual - expected| / bound: 0 where they are equal (the
    float64 bound of an all-zero element is 0: float64's ``eta`` rounds to
    0), inf where actual is NaN or a nonzero error meets a zero bound."""
    error = numpy.abs(numpy.asarray(actual, dtype=numpy.float64) - expected)
    with numpy.errstate(invalid='ignore', divide='ignore'):
        out = numpy.where(error == 0, 0.0, error / bound)
    return numpy.where(numpy.isnan(out), numpy.inf, out)


def largest(values):
    values = numpy.asarray(values)
    return float(values.max()) if values.size else 0.0


def measure(run):
    """The largest fraction of its bound the parameter and each state entry
    reached over the trajectory; for ``use_fp32_update`` also the part of the
    float16 rounding term that was used."""
    scenario, p0 = run.scenario, run.scenario.init['/p']
    if scenario.fp32:
        bounds = tolerances.fp32_update_bounds(p0, run.steps)
        float32 = tolerances.trajectory_bounds(numpy.float32, p0, run.steps)
    else:
        bounds = tolerances.trajectory_bounds(scenario.dtype, p0, run.steps)
    param, state, rounding = 0.0, {}, 0.0
    for k, (step, (param_bound, state_bounds), (p, s)) in enumerate(
            zip(run.steps, bounds, run.actual)):
        param = max(param, largest(fractions(p, step.param, param_bound)))
        for key, expected in step.state.items():
            found = s.get(key, numpy.full(numpy.shape(expected), numpy.nan))
            state[key] = max(state.get(key, 0.0),
                             largest(fractions(found, expected, state_bounds[key])))
        if scenario.fp32:
            b32 = float32[k][0]
            term = param_bound - b32      # u16 * (|p_model| + b32) + eta16
            excess = numpy.abs(numpy.asarray(p, numpy.float64) - step.param) - b32
            rounding = max(rounding, largest(fractions(numpy.maximum(excess, 0), 0, term)))
    return param, state, rounding


def mutant_steps(run, mutant):
    """The model steps of a wrong formula fed the run's gradients, or None
    where the mutant does not apply to the run."""
    scenario = run.scenario
    hyper = scenario.effective_hyper()
    grads = [g['/p'] for g in scenario.grads]
    p0 = scenario.init['/p']
    if mutant == 'Adam without bias correction':
        if scenario.optimizer != 'Adam' or hyper['adabound']:
            return None
        p = numpy.asarray(p0, numpy.float64)
        state, steps = update_rules.initial_state('Adam', hyper, p.shape), []
        for g in grads:
            g = numpy.zeros(p.shape) if g is None else numpy.asarray(g, numpy.float64)
            step = update_rules.adam(hyper, BIAS_CORRECTION_GONE, p, g, state)
            p, state = step.param, step.state
            steps.append(step)
        return steps
    if mutant == 'NesterovAG without look-ahead':
        if scenario.optimizer != 'NesterovAG':
            return None
        return update_rules.trajectory('MomentumSGD', hyper, p0, grads)
    if mutant == 'RMSprop eps across the sqrt':
        if scenario.optimizer != 'RMSprop':
            return None
        flipped = {**hyper, 'eps_inside_sqrt': not hyper['eps_inside_sqrt']}
        return update_rules.trajectory('RMSprop', flipped, p0, grads)
    raise ValueError(mutant)


MUTANTS = ('Adam without bias correction', 'NesterovAG without look-ahead',
           'RMSprop eps across the sqrt')


def mutant_factor(run, mutant):
    """How far outside the correct formula's bound the implementation is
    from the mutant's values (max over updates and elements), or None where
    the mutant does not apply or computes the same values as the correct
    formula (a zero momentum, zero gradients): no bound can tell those apart."""
    wrong = mutant_steps(run, mutant)
    if wrong is None or all(numpy.array_equal(w.param, s.param) for w, s in zip(wrong, run.steps)):
        return None
    bounds = tolerances.trajectory_bounds(run.scenario.dtype, run.scenario.init['/p'], run.steps)
    return max(largest(fractions(p, w.param, b))
               for w, (b, _), (p, _) in zip(wrong, bounds, run.actual))


# ---------------------------------------------------------------- report

def split(total, parts):
    """``total`` as ``parts`` near-equal counts."""
    return [total // parts + (i < total % parts) for i in range(parts)]


def main(argv=None):
    parser = argparse.ArgumentParser(
        description='Re-derive the bounds of conformance/tolerances.py: play random update '
                    'trajectories on an implementation and print the largest error seen as '
                    'a fraction of each bound.  Exit status 1 if a fraction exceeds 1.')
    parser.add_argument('--trajectories', type=int, default=DEFAULT_TRAJECTORIES, metavar='N',
                        help='trajectories over every rule and dtype (default %(default)s)')
    parser.add_argument('--fp32-trajectories', type=int, default=None, metavar='M',
                        help='float16 trajectories under use_fp32_update (default N/2)')
    parser.add_argument('--seed', type=int, default=0, help='hypothesis seed (default 0)')
    parser.add_argument('--impl', default='chainer',
                        help="implementation, as conformance's --impl (default chainer)")
    args = parser.parse_args(argv)
    if args.trajectories < 0 or (args.fp32_trajectories or 0) < 0:
        parser.error('trajectory counts must not be negative')
    fp32_total = (args.trajectories // 2 if args.fp32_trajectories is None
                  else args.fp32_trajectories)

    optimizers, dtypes = strategies.OPTIMIZERS, strategies.DTYPES
    combos = [(o, d) for o in optimizers for d in dtypes]
    started = time.perf_counter()
    # Every scenario is drawn before the implementation is imported: what a
    # namespace imports can change what hypothesis generates next, and every
    # implementation should play the same trajectories for a seed.
    drawn = {}
    for i, ((o, d), count) in enumerate(zip(combos, split(args.trajectories, len(combos)))):
        drawn[o, d] = draw_scenarios(o, d, count, False, args.seed * 1000 + i)
    for i, (o, count) in enumerate(zip(optimizers, split(fp32_total, len(optimizers)))):
        drawn[o, 'fp32'] = draw_scenarios(o, 'float16', count, True,
                                          args.seed * 1000 + len(combos) + i)
    impl = loader.load_implementation(args.impl, search_dir=ROOT)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        runs = {key: [Run(s, play(impl.module, s), model(s)) for s in scenarios]
                for key, scenarios in drawn.items()}
    elapsed = time.perf_counter() - started

    print(f'Calibrating conformance/tolerances.py on {impl.describe()}, '
          f'NumPy {numpy.__version__}, seed {args.seed}')
    plain = sum(len(runs[c]) for c in combos)
    fp32_runs = sum(len(runs[o, 'fp32']) for o in optimizers)
    print(f'{plain} trajectories (every rule and dtype, 1-{MAX_STEPS} updates), '
          f'{fp32_runs} under use_fp32_update, in {elapsed:.1f} s\n')
    print('Largest error seen, as a fraction of the bound (must stay <= 1):\n')
    print(f'  {"rule":<12} {"dtype":<8} {"runs":>5} {"param":>7}  state (worst key)')
    worst = {kind: {'param': Worst(), 'state': Worst()} for kind in ('plain', 'fp32')}
    rounding_all = Worst()
    for o in optimizers:
        for d in dtypes + ('fp32',):
            param, state, rounding = Worst(), Worst(), Worst()
            for run in runs[o, d]:
                p, s, r = measure(run)
                where = f'{o} {"float16 under use_fp32_update" if d == "fp32" else d}'
                param.see(p, where)
                for key, value in s.items():
                    state.see(value, f'{where} {key!r}')
                if d == 'fp32':
                    rounding.see(r, where)
            kind = 'fp32' if d == 'fp32' else 'plain'
            worst[kind]['param'].merge(param)
            worst[kind]['state'].merge(state)
            rounding_all.merge(rounding)
            label = 'fp32 upd' if d == 'fp32' else d
            worst_key = '' if state.where is None else f' ({state.where.split(" ")[-1]})'
            print(f'  {o:<12} {label:<8} {len(runs[o, d]):>5} {param.text():>7}  '
                  f'{state.text()}{worst_key}')
    plain, fp32 = worst['plain'], worst['fp32']
    print(f'\n  float16/32/64:   parameters {plain["param"].described()}\n'
          f'                   states     {plain["state"].described()}')
    print(f'  use_fp32_update: parameters {fp32["param"].described()}\n'
          f'                   states     {fp32["state"].described()}\n')

    C = tolerances.C
    needed_state = max(plain['state'].fraction, fp32['state'].fraction)
    print('Constants of conformance/tolerances.py, and what this run needed:\n')
    print(f'  OPS_PER_STEP = {tolerances.OPS_PER_STEP}, SAFETY = {tolerances.SAFETY}, '
          f'C = SAFETY * OPS_PER_STEP = {C}\n'
          f'      C >= {C * plain["param"].fraction:.3g} covers every parameter seen, '
          f'C >= {C * needed_state:.3g} every state')
    print(f'  use_fp32_update adds one float16 rounding, u16 * (|p| + b) + eta16:\n'
          f'      {rounding_all.described()} of it used; round to nearest cannot exceed 1')
    print(f'  RECORDED_ULPS = {tolerances.RECORDED_ULPS}: not derived here (it needs traces '
          'recorded on another machine or NumPy major;\n      fixtures/record.py --check '
          'compares fresh recordings with the stored ones within it)\n')

    print('Wrong formulas, float32 and float64 runs where they compute other values than '
          'the right one:\nshare the bound rejects, and the median factor by which they '
          'miss it:\n')
    for mutant in MUTANTS:
        factors = [f for (o, d), rs in runs.items() if d in ('float32', 'float64')
                   for f in (mutant_factor(run, mutant) for run in rs) if f is not None]
        if factors:
            rejected = sum(f > 1 for f in factors) / len(factors)
            print(f'  {mutant:<30} {rejected:6.1%} of {len(factors):>5}, '
                  f'median {statistics.median(factors):.3g}')
        else:
            print(f'  {mutant:<30} no run to compare')

    seen = [w for kind in worst.values() for w in kind.values()] + [rounding_all]
    over = [w for w in seen if w.where is not None and not w.fraction <= 1]
    if over:
        print('\nFAIL: errors exceeded their bound; the constants of tolerances.py are too '
              'small for what was seen:\n' + '\n'.join(f'  {w.described()}' for w in over))
        return 1
    print('\nOK: every error seen is within the bound of conformance/tolerances.py')
    return 0


if __name__ == '__main__':
    sys.exit(main())
