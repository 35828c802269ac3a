"""The values the shift extensions set (family 'shift-schedules').

Each shift's value after its c-th call is a closed form of c (SEMANTICS
H1-H7), evaluated in ``conformance/models/shifts.py`` in Python floats
exactly as the formula reads in Chainer's docstrings and code (``init *
rate ** c``, not a running product), so the comparison is exact.  ``initialize`` sets the value for the first
update; with trigger ``(p, 'iteration')`` call c happens at iteration ``c*p``,
so update ``i`` uses the value after call ``(i - 1) // p``.  Rules without a
per-rule override see the optimizer's value; an override shadows it (E2).
The model uses Chainer's Python arithmetic, so with int arguments it also
predicts the type of each value (an int ``init``, a target object, a
``numpy.float64``), which the quirk-level properties compare.
"""
import pytest
from hypothesis import example, given, strategies as st

from conformance import harness
from conformance.models.shifts import expected_rows, value_after
from conformance.runners import training
from conformance.spec import diverges, rule
from conformance.strategies import snapshot as scenarios

SOURCE = 'chainer/training/extensions/{}.py:{}@v7.8.1'
FILES = {'ExponentialShift': 'exponential_shift', 'LinearShift': 'linear_shift',
         'PolynomialShift': 'polynomial_shift', 'StepShift': 'step_shift',
         'MultistepShift': 'multistep_shift', 'WarmupShift': 'warmup_shift',
         'InverseShift': 'inverse_shift'}


# --- comparing with the model --------------------------------------------------

def actual_rows(events, scenario, kind):
    attrs = {spec.attr for spec in scenario.shifts}
    return [{(owner, name): value for owner, name, value in event[2] if name in attrs}
            for event in events if event[0] == kind]


def assert_follows_closed_form(trace, scenario, resumed=False):
    used, after = expected_rows(scenario)
    for label, expected, actual in (
            ('used by update', used, actual_rows(trace.events, scenario, 'update')),
            ('after iteration', after, actual_rows(trace.events, scenario, 'after'))):
        for i, (e, a) in enumerate(zip(expected, actual), start=1):
            wrong = [f'{owner}.{name}: expected {e[owner, name]!r}, got {a.get((owner, name))!r}'
                     for owner, name in sorted(e) if a.get((owner, name)) != e[owner, name]]
            if wrong:
                note = (f' (resumed at iteration {scenario.snapshot_at})' if resumed else '')
                raise AssertionError(
                    f'value {label} {i}{note} is not the closed form of '
                    + ', '.join(f'{s.kind}({s.attr!r}, {s.kwargs}) every {s.period}'
                                for s in scenario.shifts)
                    + ':\n  ' + '\n  '.join(wrong))
        assert len(actual) == len(expected), (
            f'{len(actual)} {label} records for {scenario.stop} iterations')


# --- properties -------------------------------------------------------------------

def _kinds(kinds, level='must'):
    return [pytest.param(kind, marks=rule('shift-schedules', level=level, source=SOURCE.format(
        FILES[kind], kind))) for kind in kinds]


@pytest.mark.parametrize('kind', _kinds(scenarios.SHIFT_KINDS))
@given(data=st.data())
def test_shift_values_follow_their_closed_form(out_dir, ns, kind, data):
    """Every shift, alone or beside another on a second attribute, with its
    trigger every 1-3 iterations: the value each update uses and the value
    after each iteration are the closed form of the number of calls so far,
    for the optimizer and for every rule without an override."""
    scenario = data.draw(scenarios.training_scenarios(kinds=(kind,), shifts=(1, 2)),
                         label='scenario')
    assert_follows_closed_form(training.run_uninterrupted(ns, scenario, out_dir), scenario)


@pytest.mark.parametrize('kind', _kinds(scenarios.EXACT_RESUME_KINDS))
@given(data=st.data())
def test_shift_values_follow_their_closed_form_after_resume(out_dir, ns, kind, data):
    """The same closed form holds across a snapshot at k and a resume into a
    fresh trainer (``save_npz``/``load_npz`` or the snapshot extension's
    file): the loaded ``_t`` and ``_last_value`` carry the schedule on."""
    scenario = data.draw(scenarios.training_scenarios(kinds=(kind,), shifts=(1, 2)),
                         label='scenario')
    assert_follows_closed_form(training.run_resumed(ns, scenario, out_dir), scenario, True)


@pytest.mark.parametrize('kind', _kinds(scenarios.SHIFT_KINDS))
@given(data=st.data(), calls=st.integers(1, 6), initial=st.floats(0.01, 1.0))
def test_a_shift_given_an_optimizer_drives_it_and_leaves_the_main_one(
        out_dir, ns, kind, data, calls, initial):
    """With ``optimizer=`` a shift sets the attribute of that optimizer (one
    the updater does not know) by its closed form, and never touches the
    updater's main optimizer."""
    spec = data.draw(scenarios.shift_specs(scenarios.OptimizerSpec('SGD', {}), kinds=(kind,),
                                           calls=calls, periods=(1,)), label='shift')
    trainer = harness.make_trainer(ns, out_dir, stop=(calls, 'iteration'))
    main = trainer.updater.get_optimizer('main')
    main_lr = main.lr
    other = ns.optimizers.SGD(lr=initial)
    trainer.extend(getattr(ns.training.extensions, kind)(spec.attr, optimizer=other,
                                                         **spec.kwargs))
    trainer.run()
    expected = value_after(spec, initial, calls)
    assert (other.lr, main.lr) == (expected, main_lr), (
        f'{kind}({spec.attr!r}, {spec.kwargs}, optimizer=other) after {calls} calls: other.lr '
        f'{other.lr!r} (expected {expected!r}), main.lr {main.lr!r} (expected {main_lr!r})')


@rule('shift-schedules', source=SOURCE.format(FILES['MultistepShift'], 'MultistepShift'))
@diverges('chainer', reason='MultistepShift.initialize re-applies `init` on resume (or keeps '
          'the fresh optimizer value when init is None), so after resume the value is not '
          '"x * y" during the iterations from s1 to (s2 - 1) as its docstring says',
          source=SOURCE.format(FILES['MultistepShift'], 'MultistepShift.initialize'))
@example(scenario=scenarios.MULTISTEP_EXAMPLE)
@given(scenario=scenarios.stepped_shift_scenarios('MultistepShift'))
def test_multistep_shift_values_follow_their_closed_form_after_resume(out_dir, ns, scenario):
    """MultistepShift's steps continue across a resume after its first step."""
    assert_follows_closed_form(training.run_resumed(ns, scenario, out_dir), scenario, True)


@rule('shift-schedules', source=SOURCE.format(FILES['WarmupShift'], 'WarmupShift'))
@diverges('chainer', reason='WarmupShift.initialize re-applies `warmup_start` on resume and '
          'never sets the attribute after warm-up, so a run resumed after warm-up keeps '
          'warmup_start instead of `init` (docstring: the attr goes "from x to y evenly in '
          'first t iterations")',
          source=SOURCE.format(FILES['WarmupShift'], 'WarmupShift.initialize'))
@example(scenario=scenarios.WARMUP_EXAMPLE)
@given(scenario=scenarios.stepped_shift_scenarios('WarmupShift'))
def test_warmup_shift_values_follow_their_closed_form_after_resume(out_dir, ns, scenario):
    """WarmupShift's warm-up (and the plateau at ``init`` after it)
    continues across a resume."""
    assert_follows_closed_form(training.run_resumed(ns, scenario, out_dir), scenario, True)


@pytest.mark.parametrize('kind', _kinds(scenarios.SHIFT_KINDS, level='quirk'))
@given(data=st.data(), calls=st.integers(1, 6), initial=st.sampled_from((1, 2, 4)))
def test_shift_values_are_the_very_numbers_chainers_formulas_yield(
        out_dir, ns, kind, data, calls, initial):
    """With int starting values and targets, and factors that are powers of
    two (so that a schedule often meets its target exactly), every update
    sees the number Chainer's formula yields, type included: ``init`` itself
    before the first call (an int stays an int), the target object where the
    clamp replaces the value but not where the value merely equals it, the
    int or float of Python's arithmetic, StepShift's ``numpy.float64``."""
    spec = data.draw(scenarios.shift_specs(scenarios.OptimizerSpec('SGD', {}), kinds=(kind,),
                                           calls=calls, periods=(1,), integral=True),
                     label='shift')
    assert_sets_the_typed_closed_form(out_dir, ns, spec, initial, calls)


def assert_sets_the_typed_closed_form(out_dir, ns, spec, initial, calls):
    """Run ``spec`` ``calls`` times on ``SGD(lr=initial)``; compare the lr
    each update used and the final one, types included, with the model."""
    optimizer = ns.optimizers.SGD(lr=initial)
    zero_loss, used = harness.zero_loss(ns), []

    def recording_loss(*args):
        used.append(optimizer.lr)
        return zero_loss()
    trainer = harness.make_trainer(ns, out_dir, stop=(calls, 'iteration'), optimizer=optimizer,
                                   loss_func=recording_loss)
    trainer.extend(getattr(ns.training.extensions, spec.kind)(spec.attr, **spec.kwargs))
    trainer.run()
    used.append(optimizer.lr)
    expected = [value_after(spec, initial, c) for c in range(calls + 1)]
    typed = [[(type(v).__name__, v) for v in values] for values in (expected, used)]
    assert typed[0] == typed[1], (
        f'{spec.kind}({spec.attr!r}, {spec.kwargs}) on SGD(lr={initial!r}): lr after '
        f'0..{calls} calls\n expected: {typed[0]}\n got:      {typed[1]}')


# Schedules whose last value equals an int target exactly (2 * 0.5 == 1): the
# clamp's strict comparisons keep the computed float.
EXACT_TARGETS = [
    ('ExponentialShift', {'rate': 0.5, 'init': 2, 'target': 1}, 1),
    ('ExponentialShift', {'rate': 2.0, 'init': 1, 'target': 2}, 1),
    ('StepShift', {'gamma': 0.5, 'step': 1, 'init': 2, 'target': 1}, 1),
    ('StepShift', {'gamma': 2.0, 'step': 1, 'init': 1, 'target': 2}, 1),
    ('InverseShift', {'gamma': 1, 'power': 1, 'init': 2, 'target': 1}, 1),
    ('InverseShift', {'gamma': 1.0, 'power': -1, 'init': 1, 'target': 2}, 1),
    ('PolynomialShift', {'rate': 1, 'max_count': 4, 'init': 4, 'target': 2}, 2),
    ('PolynomialShift', {'rate': -1, 'max_count': 2, 'init': 1, 'target': 2}, 1),
    ('PolynomialShift', {'rate': 0.0, 'max_count': 2, 'init': 2, 'target': 2}, 1),
]


@pytest.mark.parametrize('kind, kwargs, calls', [
    pytest.param(kind, kwargs, calls, marks=rule('shift-schedules', level='quirk',
                                                 source=SOURCE.format(FILES[kind], kind)))
    for kind, kwargs, calls in EXACT_TARGETS])
def test_a_value_that_meets_its_target_exactly_is_the_computed_one(
        out_dir, ns, kind, kwargs, calls):
    """The target clamps compare strictly (``value / target > 1`` or ``< 1``),
    so a value equal to its target is kept, not replaced by the target object:
    an int target met by a float value leaves the float."""
    assert_sets_the_typed_closed_form(out_dir, ns, scenarios.ShiftSpec(kind, 'lr', kwargs),
                                      1, calls)


NEGATIVE = {'ExponentialShift': ('rate', 'ExponentialShift does not support negative rate'),
            'InverseShift': ('gamma', 'InverseShift does not support negative gamma')}


@pytest.mark.parametrize('kind', [pytest.param(kind, marks=rule(
    'shift-schedules', level='quirk', source=SOURCE.format(FILES[kind], f'{kind}.__init__')))
    for kind in NEGATIVE])
@example(value=0.0)
@given(value=st.floats(-2.0, 0.0))
def test_a_negative_rate_or_gamma_is_refused_when_the_shift_is_built(ns, kind, value):
    """ExponentialShift's ``rate`` and InverseShift's ``gamma`` may be zero but
    not negative: the constructor raises ValueError with Chainer's message."""
    name, message = NEGATIVE[kind]
    power = {'power': 1.0} if kind == 'InverseShift' else {}
    build = getattr(ns.training.extensions, kind)
    if value >= 0:
        build('lr', **{name: value}, **power)
        return
    with pytest.raises(ValueError) as error:
        build('lr', **{name: value}, **power)
    assert str(error.value) == message, (
        f'{kind}(lr, {name}={value!r}): message\n expected: {message!r}\n got:      '
        f'{str(error.value)!r}')
