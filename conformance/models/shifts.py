"""The values the shift extensions set (SEMANTICS H1-H7).

Each shift's value after its c-th call is a closed form of c, evaluated here
in Python floats exactly as the formula reads in Chainer's docstrings and
code (``init * rate ** c``, not a running product), so a comparison can be
exact.  ``initialize`` sets the value for the first update; with trigger
``(p, 'iteration')`` call c happens at iteration ``c*p``, so update ``i``
uses the value after call ``(i - 1) // p``.  Rules without a per-rule
override see the optimizer's value; an override shadows it (E2).  The model
uses Chainer's Python arithmetic, so with int arguments it also predicts the
type of each value (an int ``init``, a target object, a ``numpy.float64``).
"""
import numpy

from conformance.strategies.snapshot import PARAMS


def _floor_to(value, target, cap):
    """The target clamp of Exponential/Step/InverseShift: with ``cap`` the
    value may not exceed the target, otherwise it may not fall below it."""
    if target is None:
        return value
    if cap:
        return target if value / target > 1 else value
    return target if value / target < 1 else value


def exponential(kw, init, c):
    return init if c == 0 else _floor_to(init * kw['rate'] ** c, kw.get('target'), kw['rate'] > 1)


def linear(kw, init, c):
    (v1, v2), (t1, t2) = kw['value_range'], kw['time_range']
    if c <= t1:
        return v1
    if c >= t2:
        return v2
    return v1 + (c - t1) / (t2 - t1) * (v2 - v1)


def polynomial(kw, init, c):
    if c == 0:
        return init
    value = init * max(1 - c / kw['max_count'], 0) ** kw['rate']
    target = kw.get('target')
    if target is not None:
        if kw['rate'] > 0:
            value = target if target / value > 1 else value
        else:
            value = target if target / value < 1 else value
    return value


def step(kw, init, c):
    """The exponent is ``numpy.floor``'s float64, so the value is a NumPy
    scalar (SEMANTICS H4)."""
    if c == 0:
        return init
    value = init * kw['gamma'] ** numpy.floor(c / kw['step'])
    return _floor_to(value, kw.get('target'), kw['gamma'] > 1)


def multistep(kw, init, c):
    """One step at most per call: the step counter advances when the call
    count reaches the next step value."""
    current = 0
    for t in range(1, c + 1):
        if current < len(kw['step_value']) and t >= kw['step_value'][current]:
            current += 1
    return init if c == 0 else init * kw['gamma'] ** current


def warmup(kw, init, c):
    """Linear from warmup_start to init over warmup_iter calls, then untouched."""
    start, length, end = kw['warmup_start'], kw['warmup_iter'], kw['init']
    start = init if start is None else start
    c = min(c, length)
    return start if c == 0 else (c * end + (length - c) * start) / length


def inverse(kw, init, c):
    if c == 0:
        return init
    value = init * (1 + kw['gamma'] * c) ** (-kw['power'])
    return _floor_to(value, kw.get('target'), kw['power'] < 0)


CLOSED_FORMS = {'ExponentialShift': exponential, 'LinearShift': linear,
                'PolynomialShift': polynomial, 'StepShift': step,
                'MultistepShift': multistep, 'WarmupShift': warmup,
                'InverseShift': inverse}


def value_after(spec, initial, c):
    """The attribute a ``ShiftSpec`` sets after ``c`` calls; ``initial`` is
    the optimizer's value before training (what a shift with ``init=None``
    captures)."""
    init = spec.kwargs.get('init')
    if spec.kind == 'WarmupShift' or init is None:
        init = initial
    return CLOSED_FORMS[spec.kind](spec.kwargs, init, c)


def expected_rows(scenario):
    """For each update and after each iteration of a snapshot-family
    ``TrainingScenario``: ``{(owner, attr): value}`` for every shifted
    attribute, owners ``optimizer`` and each rule."""
    overrides = {(path, name): value for path, name, value in scenario.optimizer.overrides}
    paths = list(PARAMS)

    def rows(calls_of):
        values = {}
        for spec in scenario.shifts:
            value = value_after(spec, scenario.optimizer.kwargs[spec.attr], calls_of(spec))
            values[('optimizer', spec.attr)] = value
            for path in paths:
                values[(path, spec.attr)] = overrides.get((path, spec.attr), value)
        return values
    used = [rows(lambda s, i=i: (i - 1) // s.period) for i in range(1, scenario.stop + 1)]
    after = [rows(lambda s, i=i: i // s.period) for i in range(1, scenario.stop + 1)]
    return used, after
