"""Suspending and resuming training (family 'resume').

Chainer's Trainer documentation promises that ``save_npz(file, trainer)`` and
``load_npz(file, trainer)`` "suspend" and "resume" the training loop: the
snapshot holds "the states which change over the training (e.g. parameters,
optimizer states, the batch iterator state, extension states, etc.)", and the
user rebuilds everything else the same way before loading.  The properties
here hold a resumed run to that promise *bitwise*: train to ``N`` without
interruption, versus train to ``k``, snapshot, build a fresh trainer, load,
train to ``N``.  Both must use the same hyperparameters in every update, call
the same extensions at the same iterations, and end in the same serialized
state (parameters, optimizer and update-rule states, iterator, triggers,
extension states).  Where Chainer's code breaks the promise, the property
carries ``@diverges('chainer', ...)`` with the code location.
"""
import dataclasses

import numpy
import pytest
from hypothesis import example, given, strategies as st

from conformance import diff
from conformance.runners import records, round_trips, training
from conformance.spec import diverges, rule
from conformance.strategies import snapshot as scenarios
from conformance.user_extension import user_extension  # NOQA: F401 (fixture)

TRAINER_DOC = 'chainer/training/trainer.py:Trainer@v7.8.1'   # docstring: suspend and resume


NUMPY_2 = int(numpy.__version__.split('.')[0]) >= 2


def assert_resumes_exactly(ns, scenario, out_dir, *, defer_scalar_types=False,
                           same_types=False):
    """A difference that follows a resumed update using a hyperparameter of
    the right value but another scalar type is said to; with
    ``defer_scalar_types`` such an example is left to
    ``test_resume_keeps_the_scalar_type_of_a_shifted_value`` under NumPy 2,
    where that alone changes the arithmetic: one failure, one cause.  With
    ``same_types`` another scalar type is a failure of its own, also under
    NumPy 1, whose arithmetic does not show it."""
    full = training.run_uninterrupted(ns, scenario, out_dir)
    resumed = training.run_resumed(ns, scenario, out_dir)
    changes = diff.scalar_type_changes(full, resumed)
    if defer_scalar_types and NUMPY_2 and changes:
        return
    if same_types and changes:
        it, owner, name, before, after = changes[0]
        raise AssertionError(
            f'resuming at iteration {scenario.snapshot_at} ({scenario.mode}): update {it} '
            f'uses {name} (of {owner}) as a {after} where uninterrupted training uses a '
            f'{before} (under NumPy 2 each computes differently)')
    problem = diff.explain_resume_difference(full, resumed, scenario.snapshot_at)
    if problem:
        cause = ''
        if changes:
            it, owner, name, before, after = changes[0]
            cause = (f'update {it} uses {name} (of {owner}) as a {after} where uninterrupted '
                     f'training uses a {before}; NumPy {numpy.__version__} computes '
                     'differently with each:\n')
        raise AssertionError(
            f'resuming at iteration {scenario.snapshot_at} ({scenario.mode}) does not '
            f'continue like uninterrupted training to {scenario.stop}:\n{cause}{problem}')


@rule('resume', source=TRAINER_DOC)
@given(scenarios.training_scenarios())
def test_resumed_training_matches_uninterrupted_training(out_dir, ns, scenario):
    """Train to N, versus train to k, snapshot (``save_npz`` after ``run()``
    or the file the ``snapshot`` extension wrote), load into a fresh trainer
    and train to N: same hyperparameters in every update (optimizer and
    per-rule, with Exponential/Linear/Polynomial/Step/InverseShift on them),
    same extension calls, same final state, bit for bit.  (Under NumPy 2, an
    example whose resumed updates see a shifted value as another scalar type
    is judged by the next property.)"""
    assert_resumes_exactly(ns, scenario, out_dir, defer_scalar_types=True)


@rule('resume', source=TRAINER_DOC)
@diverges('chainer', reason='StepShift sets numpy.float64 values '
          '(init * gamma ** numpy.floor(t / step)) but its serialize loads _last_value '
          'as a Python float, which initialize sets back; NumPy 2 (NEP 50) computes '
          '`lr * grad` in float64 with the first and in the parameter\'s float32 with the '
          'second, so the updates after resume differ in their last bits from '
          'uninterrupted training (NumPy 1\'s value-based casting made both the same, '
          'but the type differs there too)',
          source='chainer/training/extensions/step_shift.py:StepShift.serialize@v7.8.1')
@pytest.mark.parametrize('scenario', scenarios.SCALAR_TYPE_EXAMPLES,
                         ids=[s.optimizer.name for s in scenarios.SCALAR_TYPE_EXAMPLES])
def test_resume_keeps_the_scalar_type_of_a_shifted_value(out_dir, ns, scenario):
    """A StepShift resumed after its first call: the updates after resume use
    its value as the same scalar type as uninterrupted training does, so that
    they are bit-identical under NumPy 1 and NumPy 2 alike."""
    assert_resumes_exactly(ns, scenario, out_dir, same_types=True)


@rule('resume', source='chainer/training/extensions/multistep_shift.py:MultistepShift@v7.8.1')
@diverges('chainer', reason='MultistepShift.initialize sets the attribute back to `init` '
          'on resume (and leaves the fresh optimizer value when init is None), so the '
          'first update after resume does not use the stepped value; the docstring says '
          '"During the iterations from s1 to (s2 - 1), the attr will be x * y", and the '
          'Trainer docs promise extension states resume',
          source='chainer/training/extensions/multistep_shift.py:MultistepShift.initialize@v7.8.1')
@example(scenario=scenarios.MULTISTEP_EXAMPLE)
@given(scenario=scenarios.stepped_shift_scenarios('MultistepShift'))
def test_multistep_shift_resumes_at_its_current_step(out_dir, ns, scenario):
    """A MultistepShift that has taken a step before the snapshot keeps the
    stepped value after resume, so training continues as if uninterrupted."""
    assert_resumes_exactly(ns, scenario, out_dir)


@rule('resume', source='chainer/training/extensions/warmup_shift.py:WarmupShift@v7.8.1')
@diverges('chainer', reason='WarmupShift.initialize sets the attribute back to '
          '`warmup_start` on resume and, once past warm-up, never sets it again; the '
          'docstring says it changes the attr "from x to y evenly in first t iterations", '
          'and the Trainer docs promise extension states resume',
          source='chainer/training/extensions/warmup_shift.py:WarmupShift.initialize@v7.8.1')
@example(scenario=scenarios.WARMUP_EXAMPLE)
@given(scenario=scenarios.stepped_shift_scenarios('WarmupShift'))
def test_warmup_shift_resumes_its_warmup_position(out_dir, ns, scenario):
    """A WarmupShift resumed during or after its warm-up continues from the
    value it had reached (``init`` after warm-up), not from ``warmup_start``."""
    assert_resumes_exactly(ns, scenario, out_dir)


@rule('resume', source='chainer/training/extensions/_snapshot.py:snapshot@v7.8.1')
@diverges('chainer', reason='snapshot(autoload=True) loads in _Snapshot.initialize, which '
          'runs after the shifts\' initialize (priority -100), so the shifts do not re-apply '
          'their loaded value and the first update(s) after resume use the initial one; '
          'the docs say the snapshot "is used to support resuming the training loop" and '
          'autoload "automatically finds the latest snapshot and loads the data"',
          source='chainer/training/extensions/_snapshot.py:_Snapshot.initialize@v7.8.1')
@example(scenario=scenarios.AUTOLOAD_EXAMPLE)
@given(scenario=scenarios.stepped_shift_scenarios('ExponentialShift', modes=('autoload',)))
def test_autoload_snapshot_resumes_like_uninterrupted_training(out_dir, ns, scenario):
    """A fresh trainer whose ``snapshot(autoload=True)`` finds the snapshot
    taken at k continues exactly like uninterrupted training, shifts included."""
    assert_resumes_exactly(ns, scenario, out_dir)


def _started_from(init):
    """The scenario's one shift with ``init`` as its starting value."""
    def replace(scenario):
        shift = dataclasses.replace(scenario.shifts[0], kwargs={**scenario.shifts[0].kwargs,
                                                               'init': init})
        return dataclasses.replace(scenario, shifts=(shift,))
    return replace


def _with_an_int_started_shift(scenario):
    """``scenario`` with its shift replaced by one of int starting values and
    targets, whose later values may be ints or floats."""
    return scenarios.shift_specs(scenario.optimizer, scenarios.EXACT_RESUME_KINDS,
                                 calls=scenario.stop, integral=True).map(
        lambda shift: dataclasses.replace(scenario, shifts=(shift,)))


@rule('resume', source='chainer/training/extensions/_snapshot.py:snapshot@v7.8.1')
@diverges('chainer', reason='as for test_autoload_snapshot_resumes_like_uninterrupted_training; '
          'moreover the shift\'s initialize (before the load) sets the int start value, into '
          'which NpzDeserializer refuses the float saved later: TypeError "Cannot safely '
          'deserialize from numpy array with dtype=float64 into a variable of type <class '
          '\'int\'>"', source='chainer/serializers/npz.py:NpzDeserializer.__call__@v7.8.1')
@example(scenario=dataclasses.replace(scenarios.AUTOLOAD_EXAMPLE, stop=7, shifts=(
    scenarios.ShiftSpec('LinearShift', 'lr', {'value_range': (1, 0), 'time_range': (0, 1)}, 4),)))
@given(scenario=st.one_of(
    st.sampled_from((1, 2)).flatmap(lambda init: scenarios.stepped_shift_scenarios(
        'ExponentialShift', modes=('autoload',)).map(_started_from(init))),
    scenarios.training_scenarios(optimizers=('SGD',), modes=('autoload',),
                                 shifts=(1, 1)).flatmap(_with_an_int_started_shift)))
def test_autoload_resumes_a_shift_that_started_from_an_int(out_dir, ns, scenario):
    """A shift that set an int first (``init=1``, ``LinearShift((1, 0), ...)``)
    resumes through ``snapshot(autoload=True)`` like uninterrupted training,
    whether it saved a float (which replaces the int) or an int (which stays
    an int, also in the final snapshot)."""
    try:
        assert_resumes_exactly(ns, scenario, out_dir)
    except TypeError as error:   # the deserializer's refusal to load the float
        raise AssertionError(f'resuming at iteration {scenario.snapshot_at} (autoload) '
                             f'fails: {type(error).__name__}: {error}') from error


@rule('resume', level='quirk',
      source='chainer/training/triggers/interval_trigger.py:IntervalTrigger.__call__@v7.8.1')
@given(scenarios.training_scenarios(shifts=(0, 1), horizon=2))
def test_resuming_a_completed_run_trains_another_stop_period(out_dir, ns, scenario):
    """The stop trigger ``(N, 'iteration')`` is an IntervalTrigger, which fires
    where ``iteration // N`` changes.  A trainer saved with ``save_npz`` after
    ``run()`` returned remembers iteration N, so resuming it with the same
    stop trigger trains N more iterations; the snapshot the ``snapshot``
    extension writes at iteration N remembers N - 1 (the stop trigger last
    ran before update N), so resuming from it trains none.  Chainer's docs
    are silent on resuming a finished run (SEMANTICS C5)."""
    N = scenario.stop
    full = training.build_trainer(ns, scenario, training.fresh_dir(out_dir), N)
    full.trainer.run()
    saved = f'{full.out}/after_run.npz'
    ns.serializers.save_npz(saved, full.trainer)
    expectations = [(saved, 2 * N)]
    if scenario.mode != 'save_npz' and N % scenario.snapshot_at == 0:
        expectations.append((f'{full.out}/snapshot_iter_{N}', N))
    for path, end in expectations:
        rig = training.resume_from(ns, scenario, out_dir, path)
        rig.trainer.run()
        updates = [event[1] for event in rig.events if event[0] == 'update']
        assert updates == list(range(N + 1, end + 1)), (
            f'resuming {path.rsplit("/", 1)[-1]} of a run completed at iteration {N} with '
            f'the same stop trigger: expected updates {N + 1}..{end}, got {updates}')


@rule('resume', source='chainer/training/triggers/manual_schedule_trigger.py:'
      'ManualScheduleTrigger@v7.8.1')
@given(scenarios.stepped_shift_scenarios('ExponentialShift'))
def test_shift_with_a_finished_trigger_is_not_initialized_on_resume(out_dir, ns, scenario):
    """A shift driven by a ManualScheduleTrigger whose last point lies before
    the snapshot is ``finished`` when loaded, so the trainer skips its
    ``initialize`` (the docstring: ``finished`` "is used to determine if the
    extension should be initialized after resume"): after resume the
    optimizer keeps the value it was constructed with (SEMANTICS B4, H13)."""
    shift = scenario.shifts[0]
    k, lr = scenario.snapshot_at, scenario.optimizer.kwargs['lr']
    points = list(range(1, k + 1))

    def build(out, stop):
        rig = training.build_trainer(ns, dataclasses.replace(scenario, shifts=()), out, stop)
        extension = training.build_shift(ns, shift)
        rig.trainer.extend(extension, trigger=ns.training.triggers.ManualScheduleTrigger(
            points, 'iteration'))
        return rig

    first = build(training.fresh_dir(out_dir), k)
    first.trainer.run()
    path = f'{first.out}/resume.npz'
    ns.serializers.save_npz(path, first.trainer)
    second = build(training.fresh_dir(out_dir), scenario.stop)
    ns.serializers.load_npz(path, second.trainer)
    second.trainer.run()
    used = [dict((n, v) for o, n, v in event[2] if o == 'optimizer')['lr']
            for event in second.events if event[0] == 'update']
    assert used == [lr] * (scenario.stop - k), (
        f'a shift whose ManualScheduleTrigger{points} finished before the snapshot at '
        f'{k} is not initialized on resume, so updates {k + 1}..{scenario.stop} use the '
        f'constructor value lr={lr!r}; got {used}')


@rule('resume', source=TRAINER_DOC)
@given(scenarios.user_extension_scenarios())
def test_user_extension_resumes_like_uninterrupted_training(out_dir, ns, user_extension,
                                                           scenario):
    """The extension ``--extension`` names (ExponentialShift by default),
    trained to N versus trained to k, snapshotted, loaded into a fresh
    trainer built with a fresh extension and trained to N: same optimizer
    hyperparameters in every update, same final state (including the
    extension's own serialized state)."""
    make = user_extension.maker(ns)
    full = training.run_uninterrupted(ns, scenario, out_dir, extensions=(make,))
    events, path = training.snapshot_file(ns, scenario, out_dir, extensions=(make,))
    try:
        rig = training.resume_from(ns, scenario, out_dir, path, extensions=(make,))
    except Exception as error:
        fresh = make(round_trips.updated(ns, scenario, 0)[1])
        name = _extension_name(ns, fresh)
        prefix = f'extensions/{name}/'
        saved = {key[len(prefix):]: value for key, value in training.read_npz(path).items()
                 if key.startswith(prefix)}
        raise AssertionError(
            f'{user_extension.label}: cannot resume from a snapshot taken at iteration '
            f'{scenario.snapshot_at}:\n'
            + diff.explain_load_failure(error, saved, records.target_types(ns, fresh))) from error
    rig.trainer.run()
    resumed = training.trace_of(ns, rig)
    resumed.events = events + resumed.events
    problem = diff.explain_resume_difference(full, resumed, scenario.snapshot_at)
    if problem:
        raise AssertionError(
            f'{user_extension.label}: resuming at iteration {scenario.snapshot_at} does not '
            f'continue like uninterrupted training to {scenario.stop}:\n{problem}')


def _extension_name(ns, extension):
    return (getattr(extension, 'name', None) or getattr(extension, 'default_name', None)
            or type(extension).__name__)


@rule('resume', level='quirk',
      source='chainer/optimizers/msvag.py:MSVAGRule.__init__, update_core_cpu@v7.8.1 (SEMANTICS G13)')
@given(dtype=st.sampled_from(('float32', 'float64')), before=st.integers(1, 3),
       after=st.integers(1, 3), data=st.data())
def test_a_resumed_msvag_rule_restarts_its_bias_correction(out_dir, ns, dtype, before, after, data):
    """MSVAG keeps ``beta ** t`` for its bias correction in ``beta_power``,
    an attribute of the rule set to ``beta`` when the rule is built and not
    serialized: a fresh optimizer that loads a snapshot (the rules' ``t``,
    ``m`` and ``v``) corrects its next update as a first one, so MSVAG's
    resumed training does not continue as uninterrupted training (it is left
    out of the resume-equivalence properties).  After loading, each update
    follows the float64 model from the loaded values with ``beta_power =
    beta ** j`` for the ``j``-th update since the load, and ``t`` goes on
    from the saved count."""
    from conformance import devices, tolerances
    from conformance.models import update_rules
    from conformance.runners import optim as optim_runner
    from conformance.strategies import optim as optim_scenarios
    shape = data.draw(st.sampled_from(optim_scenarios.SHAPES), label='shape')
    hyper = data.draw(optim_scenarios.hyperparameters('MSVAG', dtype), label='hyper')
    init = data.draw(optim_scenarios.initial_values({'/p': shape}, dtype), label='init')
    grads = data.draw(optim_scenarios.gradient_steps({'/p': shape}, dtype, before + after,
                                                     none=False), label='grads')
    scenario = optim_scenarios.UpdateScenario(
        tree=optim_scenarios.single_param_tree(shape), dtype=dtype, optimizer='MSVAG',
        hyper=hyper, init=init, grads=grads[:before])
    built, optimizer = optim_runner.prepare(ns, scenario)
    for step in grads[:before]:
        optim_runner.set_grads(built, step)
        optimizer.update()
    serializer = ns.serializers.DictionarySerializer()
    serializer.save(optimizer)
    saved = {key: devices.to_host(value) for key, value in serializer.target.items()}
    value = devices.to_host(built.params['/p'].array)
    loaded, fresh = optim_runner.prepare(ns, dataclasses.replace(scenario, init={'/p': value}))
    ns.serializers.NpzDeserializer(saved).load(fresh)
    start = optim_runner.snapshot(loaded, fresh)
    assert start.rule_t['/p'] == before, f'rule t after loading: {start.rule_t["/p"]}'
    hp = {**update_rules.DEFAULTS['MSVAG'], **hyper}
    p = value.astype(numpy.float64)
    state = {key: start.states['/p'][key].astype(numpy.float64) for key in ('m', 'v')}
    steps = []
    for j, step in enumerate(grads[before:], start=1):
        optim_runner.set_grads(loaded, step)
        fresh.update()
        model = update_rules.msvag(hp, before + j, p, step['/p'].astype(numpy.float64), state,
                                   beta_power=update_rules.msvag_beta_power(hp, j))
        p, state = model.param, model.state
        steps.append(model)
        snap = optim_runner.snapshot(loaded, fresh)
        bound, _ = tolerances.trajectory_bounds(dtype, value, steps)[-1]
        where = (f'MSVAG({hyper}) saved after {before} updates, loaded into a fresh optimizer, '
                 f'update {j} after the load')
        assert snap.rule_t['/p'] == before + j, f'{where}: rule t {snap.rule_t["/p"]}'
        assert tolerances.within(snap.params['/p'], model.param, bound).all(), (
            f'{where}: the parameter is not that of a bias correction restarted at the load '
            f'(beta_power = beta ** {j}): '
            f'{tolerances.first_miss(snap.params["/p"], model.param, bound)}')
