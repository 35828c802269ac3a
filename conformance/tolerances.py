"""The one place where the suite decides how close is close enough.

Bitwise comparisons (two runs of the same implementation) need no tolerance.
A tolerance is needed only where an implementation's finite-precision result
is compared with a float64 model from ``conformance/models/update_rules.py``
(``update_rules`` below; formerly ``formulas.py``).

How the bound is built
----------------------
Let ``u = eps(dtype) / 2`` be the unit roundoff of the dtype the arithmetic is
done in (float16: 2**-11, float32: 2**-24, float64: 2**-53) and ``eta`` half
its smallest subnormal (in float64 that half rounds to 0.0, so an element
that stays exactly 0 there is allowed no error).  Each operation rounds ``x`` with an error of at most
``u * |x| + eta`` (hyperparameters included: a Python float is rounded to the
array's dtype before use, SEMANTICS G9).  The strategies keep gradients,
squares and eps inside the normal range, so ``eta`` matters only for results
that pass close to zero.

* One step of a rule evaluates a short expression (at most ``OPS_PER_STEP``
  roundings on any path).  Its absolute error is at most
  ``OPS_PER_STEP * u * scale``, where ``scale`` is the expression evaluated
  on the magnitudes of its terms (``update_rules.RuleStep.scale``), which
  bounds the error even where terms cancel.  Rounding the new parameter adds
  ``u * |p|``.
* Errors made in a state (momentum, moments) are carried into later steps
  but never amplified: every state recursion of the built-in rules is a
  contraction (decay factors < 1) or a sum of non-negative terms, so an error
  made at one step reaches each later step at most once more, with weight at
  most 1.  Over ``n`` steps this multiplies the per-step bound by at most
  ``n``.

Hence, after ``n`` steps, elementwise::

    |p_impl - p_model| <= C * n * (u * (max_t |p_t| + sum_t scale_t) + eta)
    |s_impl - s_model| <= C * n * (u * max_t state_scale_t + eta)

with ``C = SAFETY * OPS_PER_STEP``.  ``SAFETY`` covers first-order terms the
bound drops (a relative error in a denominator, the square root of a rounded
state).

Calibration: ``scripts/calibrate_tolerances.py`` plays random trajectories
of these strategies (every rule and dtype, 1 to 8 updates; by default 10,000,
and 5,000 float16 ones under ``use_fp32_update``) on Chainer 7.8.1 (or any
``--impl``), compares them with the models, prints the largest error seen as
a fraction of each bound next to ``OPS_PER_STEP``, ``SAFETY`` and ``C``, and
exits 1 if any fraction exceeds 1.  With its defaults (seed 0, NumPy 1.26)
the largest error was 0.12 of the parameter bound (NesterovAG, float32) and
0.29 of a state bound (AdaDelta's ``msdx``, float32), so ``C`` could be as
small as 5 for what was seen; float64 runs matched the models exactly except
Adam's (0.11).  The script also plays wrong formulas (a missing bias
correction, Nesterov's look-ahead dropped, eps on the other side of the
square root): in 96 to 100% of the float32 and float64 runs where they
compute other values than the right one, they miss the bound by a median
factor of 10**6 or more (in the others they differ from it by less than the
rounding the bound allows).  In float16 the bound is loose (about 1% after a
few updates), so only coarse errors show there; the float32 and float64 runs
carry the precision.

Three rules compute a difference that cancels, so their ``scale`` carries
its condition number rather than the magnitude of the terms alone:
RMSpropGraves's ``n - g^2 + eps`` (a variance) and SMORMS3's ``x = g^2 /
(g2 + eps)`` (SEMANTICS G11, G12), and MSVAG's ``vt - mt^2``, which its first
step divides by ``1 - rho = 10**-4`` (G13).  MSVAG's result goes through a
factor clipped into [0, 1], so however large the rounding of its inputs, the
step is off by at most ``eta * lr * |mt|``: ``RuleStep.clipped`` gives that
limit next to the first-order sensitivity, and the bound takes the smaller
(in float16 the first step's factor is effectively arbitrary in [0, 1], and
the bound is that limit).  The calibration over all eleven rules (4,000
trajectories, Chainer, NumPy 1.26) saw at most 0.98 of the parameter bound
(MSVAG float16, where the bound is the limit itself), and at most 0.07 for
the other new rules in float32.

``use_fp32_update`` computes in float32 on a float32 master copy and rounds
to float16 once per step without feeding the rounding back, so its bound is
the float32 bound ``b`` plus one float16 rounding of a value within ``b`` of
the model's: ``u16 * (|p_model| + b) + eta16``.  Round-to-nearest reaches
that last term (the calibration saw up to 0.99 of it), but cannot exceed it.

Hook properties check one update at a time, from the parameters the
implementation actually holds, so nothing accumulates: a gradient rewritten
by hooks, and the SGD step taken from it, are within ``C * (u * scale +
eta)`` of the model, with ``scale`` the magnitude of the terms involved
(``update_rules.sgd_update_with_hooks``).
"""
import numpy

OPS_PER_STEP = 8
SAFETY = 2
C = SAFETY * OPS_PER_STEP


def unit_roundoff(dtype):
    return float(numpy.finfo(dtype).eps) / 2


def underflow(dtype):
    """Absolute error of one rounding near zero: half the smallest subnormal."""
    return float(numpy.finfo(dtype).smallest_subnormal) / 2


def trajectory_bounds(dtype, p0, steps):
    """Elementwise bounds on the parameter and each state entry after each
    of ``steps`` (a list of ``update_rules.RuleStep`` from ``p0``)."""
    u, eta = unit_roundoff(dtype), underflow(dtype)
    largest_p = abs(numpy.asarray(p0, dtype=numpy.float64))
    total_scale = numpy.zeros_like(largest_p)
    largest_state = {}
    bounds = []
    for n, step in enumerate(steps, start=1):
        largest_p = numpy.maximum(largest_p, abs(step.param))
        total_scale = total_scale + step.scale
        if step.clipped is not None:
            # an error term bounded by ``limit`` whatever the rounding
            sensitivity, limit = step.clipped
            total_scale = total_scale + numpy.minimum(sensitivity, limit / (C * u))
        for key, scale in step.state_scale.items():
            largest_state[key] = numpy.maximum(
                largest_state.get(key, 0.0), scale)
        bounds.append((C * n * (u * (largest_p + total_scale) + eta),
                       {k: C * n * (u * v + eta) for k, v in largest_state.items()}))
    return bounds


def fp32_update_bounds(p0, steps):
    """``use_fp32_update`` on float16: float32 arithmetic, one float16 rounding."""
    u16, eta16 = unit_roundoff(numpy.float16), underflow(numpy.float16)
    return [(param + u16 * (abs(step.param) + param) + eta16, state)
            for (param, state), step in zip(trajectory_bounds(numpy.float32, p0, steps), steps)]


def hook_bound(dtype, scale):
    """A value computed in one update from terms of magnitude ``scale``."""
    return C * (unit_roundoff(dtype) * scale + underflow(dtype))


def within(actual, expected, bound):
    """Elementwise |actual - expected| <= bound, NaN never within."""
    actual = numpy.asarray(actual, dtype=numpy.float64)
    return numpy.abs(actual - expected) <= bound


def first_miss(actual, expected, bound):
    """A readable description of the worst element outside ``bound``."""
    actual = numpy.asarray(actual, dtype=numpy.float64)
    excess = numpy.abs(actual - expected) - bound
    excess = numpy.where(numpy.isnan(excess), numpy.inf, excess)
    i = (numpy.unravel_index(numpy.argmax(excess), numpy.shape(excess))
         if numpy.ndim(excess) else ())
    return (f'element {i}: actual {numpy.asarray(actual)[i]!r}, expected '
            f'{numpy.asarray(expected)[i]!r}, allowed +-{numpy.asarray(bound)[i]:.3g}')


# Recorded traces on another machine or NumPy major
# -------------------------------------------------
# A trace recorded from Chainer on one machine (fixtures/traces/) is compared
# with a trace made on another: the reference's, or Chainer's own when
# ``fixtures/record.py --check`` re-records.  Two things change the last bits
# of floating-point results there, and nothing else:
#
# * BLAS: OpenBLAS picks a kernel for the CPU (``OPENBLAS_CORETYPE``), and
#   kernels sum a dot product in different orders, so a forward/backward
#   through ``linear`` rounds differently (seen: up to 7 float32 ulps of a
#   parameter after 8 updates, Haswell/Sandybridge/Prescott vs SkylakeX).
# * NumPy's promotion rules: NumPy 2 (NEP 50) keeps a Python-float
#   hyperparameter "weak", so ``lr * grad`` on a float16/float32 array is
#   computed in the array's dtype where NumPy 1 used float64 for some of the
#   terms (seen: up to 12 float32 ulps, and 32 float16 ulps of a momentum
#   that cancels to 0.0019 from terms of 0.03).
#
# Both are rounding differences of the same arithmetic, so they are bounded
# relative to the magnitude of the values involved, not to each element: a
# floating NumPy value (array or scalar) may differ from the recorded one by
# ``RECORDED_ULPS`` units in the last place of the largest finite magnitude
# in it (normwise, in its own dtype).  Everything else is compared bitwise:
# structure, types, dtypes, shapes, integers, booleans, strings, where NaN and
# infinities are, and Python floats (the suite's traces hold Python floats
# only for values computed by Python's own arithmetic: schedules, epoch
# details, hyperparameters, which no CPU or NumPy version changes).
# A formula error moves values by far more than 64 ulps: a dropped bias
# correction or a float32-vs-float16 state moves them by percents.
RECORDED_ULPS = 64


def within_ulps(actual, expected, ulps=RECORDED_ULPS):
    """``actual`` and ``expected`` (floating NumPy values of one dtype and
    shape) agree up to ``ulps`` units in the last place of their largest
    finite magnitude, with NaN and infinities in the same places."""
    actual, expected = numpy.asarray(actual), numpy.asarray(expected)
    nan_a, nan_e = numpy.isnan(actual), numpy.isnan(expected)
    inf_a, inf_e = numpy.isinf(actual), numpy.isinf(expected)
    if (nan_a != nan_e).any() or (inf_a != inf_e).any() or \
            (actual[inf_a] != expected[inf_e]).any():
        return False
    finite = ~(nan_a | inf_a)
    if not finite.any():
        return True
    a64, e64 = actual[finite].astype(numpy.float64), expected[finite].astype(numpy.float64)
    largest = max(numpy.abs(a64).max(), numpy.abs(e64).max())
    allowed = ulps * float(numpy.spacing(actual.dtype.type(largest)))
    return bool((numpy.abs(a64 - e64) <= allowed).all())
