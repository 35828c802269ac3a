"""The models of Chainer's rules (``conformance/models/``) agree with Chainer 7.8.1.

Each model is checked against what real Chainer 7.8.1 did:

- the traces of ``fixtures/traces/``, recorded on Chainer by
  ``fixtures/record.py`` with the suite's own runners, for the scenarios of
  ``fixtures/corpus.py``: every corpus entry whose trace a model predicts;
- where the corpus records nothing a model predicts, small tables recorded
  once on Chainer 7.8.1 (NumPy 1.26.4, CPU) with the calls named above each
  table, written in here.

Nothing here imports Chainer; the models run on plain data.
"""
import json
import types

import numpy
import pytest

from conformance import tolerances
from conformance.models import (extensions, iterator, loss_scaling, serialization, shifts,
                                trainer, triggers, update_rules, updater)
from conformance.strategies.snapshot import BuiltinTriggerSpec, ShiftSpec
from conformance.strategies.trainer import IntervalSpec, ManualSpec, UpdaterScenario
from fixtures import codec, corpus
from fixtures.corpus import name_probes


def entries(prefix, runner=None, where=lambda scenario: True):
    """The corpus entries of a family (``prefix``), played by ``runner``
    (a function name) if given, whose scenario is ``where``, as pytest
    parameters."""
    chosen = [e for e in corpus.ENTRIES if e.id.startswith(prefix)
              and (runner is None or e.run.__name__ == runner) and where(e.scenario)]
    assert chosen, f'no corpus entry {prefix}* played by {runner}'
    return pytest.mark.parametrize('entry', chosen, ids=[e.id for e in chosen])


def recorded(entry):
    """The trace Chainer gave for ``entry``, as JSON data (``codec.plain``)."""
    with open(entry.path, encoding='utf-8') as f:
        return json.load(f)['trace']


def same(model, trace):
    """The model's output is the recorded trace: the same JSON data (tuples
    read as lists, NumPy values with their dtype), floats bit for bit."""
    assert codec.normalized(model) == trace


# --- triggers and the updater's states -----------------------------------------------

@entries('trigger-schedule/', 'run_schedule',
         where=lambda scenario: isinstance(scenario.trigger, (IntervalSpec, ManualSpec)))
def test_interval_and_manual_triggers_fire_where_chainers_did(entry):
    scenario = entry.scenario
    spec, start = scenario.trigger, scenario.prior_iterations
    states = iterator.updater_states(scenario.n, scenario.batch_size,
                                     start + scenario.iterations)[start + 1:]
    if isinstance(spec, IntervalSpec):
        fired = triggers.interval_firings(spec.period, spec.unit, states)
        expected = [(s[0], f, None) for s, f in zip(states, fired)]
    else:
        expected = triggers.manual_firings(spec.points, spec.unit, states)
    same(expected, recorded(entry))


@entries('trigger-schedule/', 'run_stop')
def test_the_stop_trigger_stops_where_chainers_did(entry):
    scenario = entry.scenario
    spec, start = scenario.trigger, scenario.prior_iterations
    end = trainer.stop_iteration(spec.period, spec.unit, scenario.n, scenario.batch_size, start)
    same(list(range(start + 1, end + 1)), recorded(entry))


@entries('trigger-schedule/', 'run_iterator_states')
def test_the_updater_walks_the_data_as_chainers_did(entry):
    scenario = entry.scenario
    updates = scenario.iterations
    if not scenario.repeat:
        updates = trainer.stop_iteration(1, 'epoch', scenario.n, scenario.batch_size, 0)
    same(iterator.updater_states(scenario.n, scenario.batch_size, updates, scenario.repeat),
         recorded(entry))


# Chainer 7.8.1: runners.damaged.legacy_trigger_load(chainer, BuiltinTriggerSpec(kind, args),
# strategies.snapshot._h10('ExponentialShift', {'rate': 0.5}), out, iterations): the
# warnings of load_npz of an empty npz into the trigger, then (iteration, epoch_detail,
# previous_epoch_detail) of the trainer at its first call and (fired, finished) of that call.
LEGACY_WARNINGS = {
    'IntervalTrigger': [
        'The previous value of iteration is not saved. IntervalTrigger guesses it using '
        'current iteration. If this trigger is not called at every iteration, it may not '
        'work correctly.',
        'The previous value of epoch_detail is not saved. IntervalTrigger uses the value of '
        'trainer.updater.previous_epoch_detail. If this trigger is not called at every '
        'iteration, it may not work correctly.'],
    'ManualScheduleTrigger': [
        'The previous value of iteration is not saved. ManualScheduleTrigger guesses it '
        'using current iteration. If this trigger is not called at every iteration, it may '
        'not work correctly.',
        'The previous value of epoch_detail is not saved. ManualScheduleTrigger uses the '
        'value of trainer.updater.previous_epoch_detail. If this trigger is not called at '
        'every iteration, it may not work correctly.',
        'The flag of finished is not saved. ManualScheduleTrigger set the flag to `False` to '
        'force initialization and reset in next `__call__`.'],
    'OnceTrigger': [
        'The flag is not saved.OnceTrigger guess it is not first when resumed. If this '
        'trigger is resumed before first called, it may not work correctly.'],
}

LEGACY_LOADS = [
    ('IntervalTrigger', (3, 'iteration'), 4, (4, 0.4, 0.3), (False, None)),
    ('IntervalTrigger', (3, 'iteration'), 6, (6, 0.6, 0.5), (True, None)),
    ('IntervalTrigger', (0.5, 'epoch'), 5, (5, 0.5, 0.4), (True, None)),
    ('ManualScheduleTrigger', ([2], 'iteration'), 4, (4, 0.4, 0.3), (False, True)),
    ('ManualScheduleTrigger', ([2, 5], 'iteration'), 5, (5, 0.5, 0.4), (True, True)),
    ('ManualScheduleTrigger', ([0.3, 0.5], 'epoch'), 5, (5, 0.5, 0.4), (True, True)),
    ('OnceTrigger', (True,), 3, (3, 0.3, 0.2), (True, True)),
    ('OnceTrigger', (False,), 3, (3, 0.3, 0.2), (False, True)),
]


@pytest.mark.parametrize('kind, args, iterations, position, decision', LEGACY_LOADS)
def test_a_trigger_loaded_without_its_keys_guesses_as_chainers_did(
        kind, args, iterations, position, decision):
    iteration, epoch_detail, previous_epoch_detail = position
    load = types.SimpleNamespace(iteration=iteration, epoch_detail=epoch_detail,
                                 previous_epoch_detail=previous_epoch_detail)
    assert triggers.legacy_trigger_decision(BuiltinTriggerSpec(kind, args), load) == decision
    assert triggers.legacy_trigger_warnings(kind) == LEGACY_WARNINGS[kind]


# --- the trainer ----------------------------------------------------------------------

@pytest.mark.parametrize('family', ['trigger-precedence/', 'priority-ordering/', 'lifecycle/'])
def test_the_trainer_event_log_is_chainers(family):
    for entry in corpus.ENTRIES:
        if entry.id.startswith(family):
            same(trainer.trainer_run(entry.scenario), recorded(entry))


@entries('names/')
def test_extension_names_are_chainers(entry):
    """(The runner reports the new name as ``None`` when it is found under
    a probe that ``name_probes`` lists twice.)"""
    outcomes, lookups = recorded(entry)
    expected, registered = extensions.registrations(entry.scenario)
    probes = name_probes(entry.scenario)
    same([e if e[0] == 'error' or probes.count(e[1]) <= 1 else (e[0], None, e[2])
          for e in expected], outcomes)
    same([{name: names.get(name, 'ValueError') for name in name_probes(entry.scenario)}
          for names in registered], lookups)


def test_priorities_resolve_as_chainers_did():
    """The order of the recorded priority scenario's first iteration (all
    extensions fire) is ``call_order``'s."""
    entry = next(e for e in corpus.ENTRIES if e.id.startswith('priority-ordering/'))
    calls = [event[1] for event in recorded(entry) if event[0] == 'call' and event[2] == 1]
    order = [name for name, spec in extensions.call_order(entry.scenario.extensions)
             if spec.extend_trigger.period == 1]
    assert calls == order


# --- the iterator and the standard updater ------------------------------------------

@entries('iterator/', 'iterator_steps')
def test_the_iterator_stream_is_chainers(entry):
    scenario = entry.scenario
    sampler = None if scenario.order is None else scenario.order.sampler()
    model = iterator.predict(scenario.n, scenario.batch_size, scenario.repeat,
                             scenario.steps, sampler)
    trace = recorded(entry)
    same(model.steps, trace['steps'])
    same(model.calls, trace['calls'])


@entries('iterator/', 'parallel_iterator_steps')
def test_the_parallel_iterators_follow_serial_iterators_stream(entry):
    """Chainer's MultithreadIterator and MultiprocessIterator give the
    states SerialIterator's model predicts (SEMANTICS D10)."""
    kind, scenario, options = entry.scenario
    sampler = None if scenario.order is None else scenario.order.sampler()
    model = iterator.predict(scenario.n, scenario.batch_size, scenario.repeat,
                             scenario.steps, sampler)
    same(model.steps, recorded(entry)['steps'])


@entries('iterator/', 'parallel_iterator_resumed')
def test_a_parallel_iterators_snapshot_resumes_on_serial_iterators_stream(entry):
    """After a save and load, Chainer's parallel iterators go on as the
    model predicts from the saved state (SEMANTICS D10)."""
    kind, reader, scenario, options, before = entry.scenario
    steps = iterator.predict(scenario.n, scenario.batch_size, scenario.repeat,
                             scenario.steps, scenario.order.sampler()).steps
    keys, saved, trace = recorded(entry)
    same([steps[before]._replace(batch=None)] + steps[before + 1:], trace['steps'])
    assert 'order' in keys or '_order' in keys, keys


# Chainer 7.8.1: runners.updater.run_updater(chainer, out, scenario), on the CPU.
UPDATER_RUNS = [
    (UpdaterScenario(n=5, batch_size=2, iterations=4, example='tuple', width=2,
                    converter='recording', loss='model', input_device=True, dicts=True),
     {'built': {'auto_new_epoch': True,
                'device': None,
                'get_all_optimizers': [('extra', True), ('main', True)],
                'get_all_optimizers again': ['extra', 'main'],
                'get_iterator': {'extra': True, 'main': True},
                'get_optimizer': {'extra': True, 'main': True},
                'input_device': '@numpy',
                'model_devices': {'extra': '@numpy', 'main': '@numpy'},
                'use_auto_new_epoch': {'extra': True, 'main': True}},
      'calls': [('model', [[[0.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [1.0, 1.0]]], []),
                ('model', [[[2.0, 0.0], [3.0, 0.0]], [[2.0, 1.0], [3.0, 1.0]]], []),
                ('model', [[[4.0, 0.0], [0.0, 0.0]], [[4.0, 1.0], [0.0, 1.0]]], []),
                ('model', [[[1.0, 0.0], [2.0, 0.0]], [[1.0, 1.0], [2.0, 1.0]]], [])],
      'converter_devices': ['device', 'device', 'device', 'device'],
      'finalized': ['main', 'extra'],
      'restored': (4, {'extra': 0.0, 'main': 1.6}),
      'saved': ['iteration', 'iterator:extra', 'iterator:main', 'model:extra', 'model:main',
                'optimizer:extra', 'optimizer:main'],
      'steps': [(1, 0,
                 (('extra/loss', 1), ('extra/part/count', 1), ('main/loss', 1),
                  ('main/part/count', 1))),
                (2, 0,
                 (('extra/loss', 2), ('extra/part/count', 2), ('main/loss', 2),
                  ('main/part/count', 2))),
                (3, 1,
                 (('extra/loss', 3), ('extra/part/count', 3), ('main/loss', 3),
                  ('main/part/count', 3))),
                (4, 1,
                 (('extra/loss', 4), ('extra/part/count', 4), ('main/loss', 4),
                  ('main/part/count', 4)))],
      'untouched': (0.0, 0)}),
    (UpdaterScenario(n=3, batch_size=2, iterations=3, example='dict', width=2,
                    converter='list', device=True, auto_new_epoch=False),
     {'built': {'auto_new_epoch': False,
                'device': '@numpy',
                'get_all_optimizers': [('main', True)],
                'get_all_optimizers again': ['main'],
                'get_iterator': {'main': True},
                'get_optimizer': {'main': True},
                'input_device': '@numpy',
                'model_devices': {'main': '@numpy'},
                'use_auto_new_epoch': {'main': False}},
      'calls': [('loss_func',
                 [[[('k0', [0.0, 0.0]), ('k1', [0.0, 1.0])],
                   [('k0', [1.0, 0.0]), ('k1', [1.0, 1.0])]]],
                 []),
                ('loss_func',
                 [[[('k0', [2.0, 0.0]), ('k1', [2.0, 1.0])],
                   [('k0', [0.0, 0.0]), ('k1', [0.0, 1.0])]]],
                 []),
                ('loss_func',
                 [[[('k0', [1.0, 0.0]), ('k1', [1.0, 1.0])],
                   [('k0', [2.0, 0.0]), ('k1', [2.0, 1.0])]]],
                 [])],
      'converter_devices': [],
      'finalized': ['main'],
      'restored': (3, {'main': 2.0}),
      'saved': ['iteration', 'iterator:main', 'model:main', 'optimizer:main'],
      'steps': [(1, 0, (('main/loss', 1), ('main/part/count', 1))),
                (2, 0, (('main/loss', 2), ('main/part/count', 2))),
                (3, 0, (('main/loss', 3), ('main/part/count', 3)))],
      'untouched': None}),
    (UpdaterScenario(n=4, batch_size=3, iterations=2, converter='recording',
                    auto_new_epoch=True),
     {'built': {'auto_new_epoch': True,
                'device': None,
                'get_all_optimizers': [('main', True)],
                'get_all_optimizers again': ['main'],
                'get_iterator': {'main': True},
                'get_optimizer': {'main': True},
                'input_device': None,
                'model_devices': {'main': '@numpy'},
                'use_auto_new_epoch': {'main': True}},
      'calls': [('loss_func', [[[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]]], []),
                ('loss_func', [[[3.0, 0.0], [0.0, 0.0], [1.0, 0.0]]], [])],
      'converter_devices': [None, None],
      'finalized': ['main'],
      'restored': (2, {'main': 1.5}),
      'saved': ['iteration', 'iterator:main', 'model:main', 'optimizer:main'],
      'steps': [(1, 0, (('main/loss', 1), ('main/part/count', 1))),
                (2, 1, (('main/loss', 2), ('main/part/count', 2)))],
      'untouched': None}),
]


@pytest.mark.parametrize('scenario, trace', UPDATER_RUNS)
def test_the_standard_updater_keeps_and_passes_what_chainers_did(scenario, trace):
    expected = {**updater.updater_run(scenario), **updater.updater_wiring(scenario)}
    assert sorted(expected) == sorted(trace)
    for part, value in expected.items():
        assert value == trace[part], part


# --- shifts ---------------------------------------------------------------------------

@entries('shift-schedules/')
def test_shift_values_are_the_ones_chainer_used(entry):
    resumed, scenario = entry.scenario
    assert not resumed
    used, after = shifts.expected_rows(scenario)
    attrs = {spec.attr for spec in scenario.shifts}
    events = codec.revive(recorded(entry)['events'])
    for kind, expected in (('update', used), ('after', after)):
        rows = [{(owner, name): value for owner, name, value in event[2] if name in attrs}
                for event in events if event[0] == kind]
        assert [{key: codec.normalized(v) for key, v in row.items()} for row in rows] == [
            {key: codec.normalized(v) for key, v in row.items()} for row in expected]


# Chainer 7.8.1: SGD(lr=initial) trained ``len(values) - 1`` iterations by
# harness.make_trainer with the shift ``kind('lr', **kwargs)``; ``optimizer.lr`` as
# each update saw it and after the run, as (type name, value).
TYPED_SHIFTS = [
    ('ExponentialShift', {'rate': 0.5, 'init': 4, 'target': 1}, 2,
     [('int', 4), ('float', 2.0), ('float', 1.0), ('int', 1), ('int', 1)]),
    ('ExponentialShift', {'rate': 2.0, 'init': 1, 'target': 2}, 2,
     [('int', 1), ('float', 2.0), ('int', 2)]),
    ('StepShift', {'gamma': 2.0, 'step': 1, 'init': 1, 'target': 4}, 1,
     [('int', 1), ('float64', 2.0), ('float64', 4.0), ('int', 4)]),
    ('LinearShift', {'value_range': (1, 0), 'time_range': (0, 2)}, 2,
     [('int', 1), ('float', 0.5), ('int', 0), ('int', 0)]),
    ('PolynomialShift', {'rate': 1, 'max_count': 4, 'init': 4, 'target': 2}, 1,
     [('int', 4), ('float', 3.0), ('float', 2.0), ('int', 2)]),
    ('MultistepShift', {'gamma': 0.5, 'step_value': (1, 2), 'init': None}, 2,
     [('int', 2), ('float', 1.0), ('float', 0.5), ('float', 0.5)]),
    ('WarmupShift', {'warmup_start': 0, 'warmup_iter': 2, 'init': 1}, 4,
     [('int', 0), ('float', 0.5), ('float', 1.0), ('float', 1.0)]),
    ('InverseShift', {'gamma': 1, 'power': 1, 'init': 2}, 1,
     [('int', 2), ('float', 1.0), ('float', 0.6666666666666666)]),
]


@pytest.mark.parametrize('kind, kwargs, initial, values', TYPED_SHIFTS)
def test_shift_values_have_the_types_chainer_gave(kind, kwargs, initial, values):
    spec = ShiftSpec(kind, 'lr', kwargs)
    model = [shifts.value_after(spec, initial, c) for c in range(len(values))]
    assert [(type(v).__name__, v) for v in model] == values


# --- update rules, hooks and loss scaling ------------------------------------------------

@entries('update-formulas/', 'updates')
def test_update_rules_stay_within_the_bound_of_chainers_trajectory(entry):
    scenario = entry.scenario
    steps = codec.revive(recorded(entry)['steps'])
    hyper = scenario.effective_hyper()
    for path, p0 in scenario.init.items():
        model = update_rules.trajectory(scenario.optimizer, hyper, p0,
                                        [grads.get(path) for grads in scenario.grads])
        bounds = (tolerances.fp32_update_bounds(p0, model) if scenario.fp32
                  else tolerances.trajectory_bounds(scenario.dtype, p0, model))
        for step, (param_bound, state_bounds), snap in zip(model, bounds, steps):
            assert tolerances.within(snap['params'][path], step.param, param_bound).all()
            assert sorted(snap['states'][path]) == sorted(step.state)
            for key, value in step.state.items():
                assert tolerances.within(snap['states'][path][key], value,
                                         state_bounds[key]).all(), (path, key)


@entries('optimizer-hooks/', 'hook_log')
def test_hooks_are_called_in_the_order_chainer_called_them(entry):
    same(update_rules.call_log(*entry.scenario), recorded(entry))


@entries('optimizer-hooks/optimizer-hooks-in-order')
def test_sgd_with_hooks_stays_within_the_bound_of_chainers_updates(entry):
    scenario = entry.scenario
    steps = codec.revive(recorded(entry)['steps'])
    masks = update_rules.enabled_masks(scenario)
    before = scenario.init
    for k, snap in enumerate(steps):
        enabled = {path: masks[path][k] for path in scenario.init}
        model = update_rules.sgd_update_with_hooks(scenario, k, before, enabled)
        for path, (grad, grad_scale, param, param_scale) in model.items():
            bound = tolerances.hook_bound(scenario.dtype, grad_scale)
            assert tolerances.within(snap['grads'][path], grad, bound).all(), (k, path)
            bound = tolerances.hook_bound(scenario.dtype, param_scale)
            assert tolerances.within(snap['params'][path], param, bound).all(), (k, path)
        before = snap['params']


@entries('loss-scaling/')
def test_the_loss_scale_schedule_is_chainers(entry):
    with numpy.errstate(over='ignore', invalid='ignore'):
        expected, _ = loss_scaling.predict_schedule(entry.scenario)
    assert codec.difference(expected, recorded(entry), names=('model', 'chainer')) is None


# --- serialization ----------------------------------------------------------------------

@entries('serialization/', 'snapshot_content')
def test_a_trainer_snapshot_has_the_layout_chainer_wrote(entry):
    """(The corpus's trainer has no ``scheduled`` extension, and its
    recorded content leaves the elapsed time out.)"""
    scenario, _ = entry.scenario
    layout = {key: value for key, value in
              serialization.trainer_layout(scenario, 'IntervalTrigger').items()
              if not key.startswith('extension_triggers/scheduled/')
              and key != '_snapshot_elapsed_time'}
    content = codec.revive(recorded(entry))
    assert {key: (value.dtype.name, value.shape) for key, value in content.items()} == layout


@entries('serialization/scalar-loads')
def test_scalar_loads_are_refused_where_chainer_refused_them(entry):
    for (saved, target), outcome in zip(entry.scenario, codec.revive(recorded(entry))):
        refused = serialization.scalar_load_refused(saved, target)
        assert refused == (outcome == ['error', 'TypeError']), (saved, target, outcome)


# --- the observation pipeline (conformance/models/observation.py) --------------------
# Recorded on Chainer 7.8.1 (NumPy 1.26.4, CPU) with conformance/runners/observation.py:
# run_log_report, run_print_report, run_best_value, run_early_stopping (and MicroAverage
# on stream_trainer) on the
# scenarios below.

from conformance.models import observation  # noqa: E402
from conformance.strategies.observation import (  # noqa: E402
    COMPARES, StreamScenario, ValueScenario)

OBSERVED_REPORTS = (
    (('loss', 1, True), ('x', 0.5, False)), (('accuracy', 0.25, True),), (),
    (('x', 2, False), ('loss', 3.5, True)), (('loss', -1.0, True),))


@pytest.mark.parametrize('scenario, log', [
    (StreamScenario(n=3, batch_size=2, reports=OBSERVED_REPORTS, trigger=(1, 'epoch')),
     [{'main/loss': 1.0, 'x': 0.5, 'main/accuracy': 0.25, 'epoch': 1, 'iteration': 2},
      {'epoch': 2, 'iteration': 3},
      {'x': 2.0, 'main/loss': 1.25, 'epoch': 3, 'iteration': 5}]),
    (StreamScenario(n=2, batch_size=1, reports=OBSERVED_REPORTS,
                    keys=('x', 'main/loss', 'absent'), trigger=(2, 'iteration')),
     [{'x': 0.5, 'main/loss': 1.0, 'epoch': 1, 'iteration': 2},
      {'x': 2.0, 'main/loss': 3.5, 'epoch': 2, 'iteration': 4}]),
])
def test_log_report_model_gives_chainers_log(scenario, log):
    entries = observation.log_entries(scenario.stream(), scenario.states(), scenario.keys,
                                      scenario.trigger)
    got = [{**means, 'epoch': epoch, 'iteration': iteration}
           for means, _, epoch, iteration in entries]
    assert [list(e.items()) for e in got] == [list(e.items()) for e in log]


def test_print_report_model_gives_chainers_table():
    log = [{'main/loss': 1.0, 'x': 0.5, 'main/accuracy': 0.25, 'epoch': 1, 'iteration': 2},
           {'epoch': 2, 'iteration': 3},
           {'x': 2.0, 'main/loss': 1.25, 'epoch': 3, 'iteration': 5}]
    assert observation.print_report_text(
        ['epoch', 'main/loss', 'absent', 'a_rather_long_name_x'], log) == (
        'epoch       main/loss   absent      a_rather_long_name_x\n'
        '\x1b[J1           1                                             \n'
        '\x1b[J2                                                         \n'
        '\x1b[J3           1.25                                          \n')


BEST_VALUES = (3.0, None, 1.0, 2.0, 2.0, 0.5, None, 2.5, 3.0)


@pytest.mark.parametrize('kind, period, fired, best', [
    ('min', 1, [1, 2, 3, 6], 0.5), ('min', 2, [2, 4, 6], 1.25),
    ('max', 1, [1], 3.0), ('max', 2, [2], 3.0),
    ('custom', 1, [1, 2, 4], 2.0), ('custom', 2, [2, 4], 1.5)])
def test_best_value_model_fires_where_chainers_triggers_did(kind, period, fired, best):
    values = BEST_VALUES if period == 2 else tuple(
        1.5 if v is None else v for v in BEST_VALUES)
    states = iterator.updater_states(3, 1, len(values))[1:]
    assert observation.best_value_firings(values, states, COMPARES[kind],
                                          (period, 'iteration')) == (fired, best)


@pytest.mark.parametrize('mode, monitor, patience, check, values, stop, resumed', [
    ('auto', 'loss', 2, (1, 'iteration'), (3.0, 2.0, 2.0, 2.5, 1.0, 3.0, 3.0, 3.0), 4, 7),
    ('auto', 'accuracy', 1, (2, 'iteration'), (0.5, 0.7, 0.6, 0.6, 0.8, 0.9, 0.1, 0.2), 4, 8),
    ('max', 'loss', 2, (1, 'epoch'), (1.0, 2.0, 3.0, 1.0, 1.0, 1.0, 0.5, 0.5), 9, 9),
    ('min', 'loss', 1, (2, 'iteration'), (0.0, 0.0, 0.5, None, 1.0, None, 2.0, 2.0), 8, 9)])
def test_early_stopping_model_stops_where_chainer_did(mode, monitor, patience, check, values,
                                                      stop, resumed):
    """Run with ``max_trigger=(9, 'iteration')`` over 3 samples in batches of
    1; ``resumed``: interrupted at 3 and resumed with a fresh trigger."""
    scenario = ValueScenario(n=3, batch_size=1, values=values, check=check, monitor=monitor,
                             mode=mode, patience=patience, max_trigger=(9, 'iteration'))
    padded = list(values) + [None] * 3
    states = iterator.updater_states(3, 1, 10)
    greater = observation.mode_compare(mode, 'main/' + monitor)(1, 0)

    def stop_at(start):
        return observation.early_stopping_stop(padded[start:], states[start:], check,
                                               scenario.max_trigger, patience, greater)

    assert (stop_at(0), stop_at(3)) == (stop, resumed)


def test_retained_snapshots_model_keeps_the_newest():
    taken = ['snapshot_iter_1', 'snapshot_iter_2', 'snapshot_iter_4', 'snapshot_iter_5']
    assert observation.retained_snapshots(taken, 2) == ['snapshot_iter_4', 'snapshot_iter_5']
    assert observation.retained_snapshots(taken, -1) == taken
    assert observation.retained_snapshots(taken, 0) == taken


def test_micro_average_model_consults_its_trigger_only_with_both_keys():
    stream = [{'n': 1, 'd': 2}, {}, {'n': 3, 'd': 4}, {'n': 0, 'd': 1}]
    states = iterator.updater_states(3, 1, 4)[1:]
    # the trigger (2, 'iteration') is consulted at 1, 3, 4: fires at 3 and 4
    assert observation.micro_average(stream, states, 'n', 'd', (2, 'iteration')) == [
        (3, 4 / 6), (4, 0.0)]
