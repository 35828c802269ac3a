"""Differential tests: the reference shift extensions vs live Chainer 7.8.1.

A runner drives one shift through an implementation namespace with a plain
stand-in trainer (the optimizer is any object with the attribute), and
returns a trace of the values the optimizer held before each call, with
their types.  ``same`` asserts both implementations give the same trace.
The two documented resume fixes are checked against the uninterrupted run
(the trace the resumed run must equal), with Chainer's divergence shown live.
"""
import types

import numpy
import pytest

from conformance.chainer_compat import import_chainer
from tests.reference.both import IMPLEMENTATIONS, outcome, same  # noqa: F401

chainer = import_chainer()
import chainer.serializers  # noqa: E402
import chainer.training.extensions  # noqa: E402

import reference.serializers  # noqa: E402
import reference.training.extensions  # noqa: E402

CALLS = 8


def typed(value):
    return type(value).__name__, value


def values(trace):
    return [value for _, value in trace]


def stand_in_trainer(lr=1.0):
    optimizer = types.SimpleNamespace(lr=lr)
    updater = types.SimpleNamespace(get_optimizer=lambda name: optimizer)
    return types.SimpleNamespace(updater=updater), optimizer


def make(impl, spec):
    name, args, kwargs = spec
    return getattr(impl.training.extensions, name)(*args, **kwargs)


def drive(shift, trainer, optimizer, calls):
    """The value each update would use: the attribute before each call."""
    used = []
    for _ in range(calls):
        used.append(typed(optimizer.lr))
        shift(trainer)
    return used


def run_fresh(impl, spec, calls=CALLS):
    shift = make(impl, spec)
    trainer, optimizer = stand_in_trainer()
    shift.initialize(trainer)
    return drive(shift, trainer, optimizer, calls)


SCHEDULES = [
    ('ExponentialShift', ('lr', 0.5), {}),
    ('ExponentialShift', ('lr', 0.5), {'init': 2.0}),
    ('ExponentialShift', ('lr', 0.5), {'target': 0.1}),
    ('ExponentialShift', ('lr', 2), {'target': 10}),
    ('ExponentialShift', ('lr', 1), {'target': 3.0}),
    ('ExponentialShift', ('lr', 0.5), {'target': -1.0}),
    ('LinearShift', ('lr', (1, 0), (2, 6)), {}),
    ('LinearShift', ('lr', (0.0, 1.0), (0, 3)), {}),
    ('PolynomialShift', ('lr', 2, 4), {}),
    ('PolynomialShift', ('lr', 0.5, 10), {'target': 0.5}),
    ('PolynomialShift', ('lr', -1, 10), {'target': 1.5}),
    ('StepShift', ('lr', 0.5, 3), {}),
    ('StepShift', ('lr', 0.5, 2), {'target': 0.3}),
    ('StepShift', ('lr', 3.0, 2), {'target': 10.0}),
    ('MultistepShift', ('lr', 0.1, [2, 5], 1.0), {}),
    ('MultistepShift', ('lr', 0.1, [2, 2, 5], None), {}),
    ('MultistepShift', ('lr', 0.1, [1], 1), {}),
    ('WarmupShift', ('lr', 0.0, 4, 1.0), {}),
    ('WarmupShift', ('lr', None, 3, 0.1), {}),
    ('WarmupShift', ('lr', 0.5, 0, 1.0), {}),
    ('InverseShift', ('lr', 1, 1), {}),
    ('InverseShift', ('lr', 1, 1), {'target': 0.3}),
    ('InverseShift', ('lr', 0.5, -1), {'target': 2.0}),
]


@pytest.mark.parametrize('spec', SCHEDULES, ids=repr)
def test_values_and_types_match_chainer(spec):
    same(lambda impl, spec: outcome(run_fresh, impl, spec), spec)


@pytest.mark.parametrize('spec', [
    ('ExponentialShift', ('lr', 0.5), {'target': 0}),    # ZeroDivisionError
    ('ExponentialShift', ('lr', -0.5), {}),              # ValueError
    ('InverseShift', ('lr', -1, 1), {}),                 # ValueError
    ('PolynomialShift', ('lr', 1, 2), {'target': 0.1}),  # value 0
    ('PolynomialShift', ('lr', -1, 2), {}),              # 0 ** -1
    ('StepShift', ('lr', 0.5, 1), {'target': 0}),        # NumPy: inf
    ('MultistepShift', ('lr', 0.1, [1]), {}),            # init missing
], ids=repr)
def test_errors_match_chainer(spec):
    same(lambda impl, spec: outcome(run_fresh, impl, spec), spec)


@pytest.mark.parametrize('name', ['ExponentialShift', 'LinearShift',
                                  'MultistepShift', 'WarmupShift'])
def test_extension_defaults_match_chainer(name):
    spec = next(s for s in SCHEDULES if s[0] == name)

    def defaults(impl, spec):
        shift = make(impl, spec)
        return shift.trigger, shift.priority, shift.default_name, shift.name

    same(defaults, spec)


def test_optimizer_argument_wins_over_the_trainer():
    def run(impl):
        own = types.SimpleNamespace(lr=1.0)
        shift = impl.training.extensions.ExponentialShift(
            'lr', 0.5, optimizer=own)
        trainer, main = stand_in_trainer(lr=7.0)
        shift.initialize(trainer)
        shift(trainer)
        return own.lr, main.lr

    same(run)


def saved_state(impl, spec, calls):
    """Keys, dtypes and values a shift writes after ``calls`` calls."""
    shift = make(impl, spec)
    trainer, optimizer = stand_in_trainer()
    if calls is not None:
        shift.initialize(trainer)
        drive(shift, trainer, optimizer, calls)
    target = {}
    shift.serialize(impl.serializers.DictionarySerializer(target))
    return [(key, str(array.dtype), array.shape, array.tolist())
            for key, array in target.items()]


@pytest.mark.parametrize('calls', [None, 0, 3])
@pytest.mark.parametrize('spec', SCHEDULES[::3], ids=repr)
def test_serialized_keys_match_chainer(spec, calls):
    same(saved_state, spec, calls)


def save(impl, shift):
    target = {}
    shift.serialize(impl.serializers.DictionarySerializer(target))
    return target


def load(impl, shift, target):
    shift.serialize(impl.serializers.NpzDeserializer(target))


def run_resumed(impl, spec, stop_at, autoload_order=False):
    """Run to ``stop_at``, save, and continue in a fresh shift and optimizer.

    The fresh shift loads before ``initialize`` (``load_npz`` before
    ``run()``), or after it when ``autoload_order`` (what
    ``snapshot(autoload=True)`` does, priority -100).
    """
    shift = make(impl, spec)
    trainer, optimizer = stand_in_trainer()
    shift.initialize(trainer)
    used = drive(shift, trainer, optimizer, stop_at)
    state = save(impl, shift)

    shift = make(impl, spec)
    trainer, optimizer = stand_in_trainer()
    if autoload_order:
        shift.initialize(trainer)
        load(impl, shift, state)
    else:
        load(impl, shift, state)
        shift.initialize(trainer)
    return used + drive(shift, trainer, optimizer, CALLS - stop_at)


RESUMABLE_IN_CHAINER = [s for s in SCHEDULES if s[0] not in (
    'MultistepShift', 'WarmupShift')]


@pytest.mark.parametrize('stop_at', [1, 4])
@pytest.mark.parametrize('spec', RESUMABLE_IN_CHAINER, ids=repr)
def test_load_before_initialize_resumes_like_chainer(spec, stop_at):
    if spec[0] != 'StepShift':
        resumed = same(run_resumed, spec, stop_at)
        assert values(resumed) == values(run_fresh(chainer, spec))
        return
    # Chainer restores a StepShift value as a Python float (.item()), which
    # NumPy 2 computes with differently from the numpy.float64 it set; the
    # reference restores the numpy.float64, so its resume is typed exactly
    # like its uninterrupted run (conformance/test_resume.py).
    resumed = run_resumed(chainer, spec, stop_at)
    assert values(resumed) == values(run_fresh(chainer, spec))
    assert run_resumed(reference, spec, stop_at) == run_fresh(reference, spec)
    assert values(run_resumed(reference, spec, stop_at)) == values(resumed)


@pytest.mark.parametrize('stop_at', [1, 3, 6])
@pytest.mark.parametrize('spec', [s for s in SCHEDULES if s[0] in (
    'MultistepShift', 'WarmupShift')], ids=repr)
def test_multistep_and_warmup_resume_as_documented(spec, stop_at):
    """Their docstrings define the value by the iteration; Chainer re-applies
    the initial value on resume (H10), the reference restores it."""
    uninterrupted = run_fresh(chainer, spec)
    assert run_fresh(reference, spec) == uninterrupted
    assert values(run_resumed(reference, spec, stop_at)) == values(
        uninterrupted)


def test_chainer_multistep_resume_uses_init_once():
    """The divergence the reference fixes, shown on Chainer itself (H10)."""
    spec = ('MultistepShift', ('lr', 0.1, [2, 5], 1.0), {})
    resumed = run_resumed(chainer, spec, 4)
    assert resumed[4] != run_fresh(chainer, spec)[4]
    assert resumed[4] == typed(1.0)


@pytest.mark.parametrize('stop_at', [1, 4])
@pytest.mark.parametrize('spec', SCHEDULES, ids=repr)
def test_state_loaded_after_initialize_is_applied(spec, stop_at):
    """``snapshot(autoload=True)`` loads after the shifts initialize (H11);
    the reference re-applies the loaded state, so the resume is exact."""
    resumed = run_resumed(reference, spec, stop_at, autoload_order=True)
    assert values(resumed) == values(run_fresh(chainer, spec))


def test_chainer_keeps_the_fresh_value_when_loaded_after_initialize():
    spec = ('ExponentialShift', ('lr', 0.5), {})
    resumed = run_resumed(chainer, spec, 4, autoload_order=True)
    assert resumed[4] == typed(1.0) != run_fresh(chainer, spec)[4]
    # An int start value makes Chainer refuse the saved float outright.
    spec = ('LinearShift', ('lr', (1, 0), (2, 6)), {})
    assert outcome(run_resumed, chainer, spec, 4, True)[0] == 'TypeError'


def test_loaded_last_value_becomes_a_python_scalar():
    def run(impl):
        shift = impl.training.extensions.StepShift('lr', 0.5, 1)
        source = impl.training.extensions.StepShift('lr', 0.5, 1)
        trainer, optimizer = stand_in_trainer()
        source.initialize(trainer)
        source(trainer)
        load(impl, shift, save(impl, source))
        fresh_target = typed(shift._last_value)
        shift.initialize(trainer)
        load(impl, shift, save(impl, source))
        return fresh_target, typed(shift._last_value), shift._t

    assert same(run)[0] == ('float', 0.5)


def test_finished_trigger_skips_initialize_so_nothing_is_reapplied():
    """An uninitialized shift (B4: finished trigger) loads state silently."""
    def run(impl):
        spec = ('ExponentialShift', ('lr', 0.5), {})
        shift = make(impl, spec)
        trainer, optimizer = stand_in_trainer()
        shift.initialize(trainer)
        drive(shift, trainer, optimizer, 3)
        fresh = make(impl, spec)
        _, fresh_optimizer = stand_in_trainer()
        load(impl, fresh, save(impl, shift))
        return fresh_optimizer.lr, fresh._t, fresh._last_value

    same(run)


@pytest.mark.parametrize('attr_value', [numpy.float32(0.25), 3])
def test_captured_init_keeps_the_optimizer_type(attr_value):
    def run(impl):
        shift = impl.training.extensions.ExponentialShift('lr', 0.5)
        trainer, optimizer = stand_in_trainer(lr=attr_value)
        shift.initialize(trainer)
        return drive(shift, trainer, optimizer, 3)

    same(run)
