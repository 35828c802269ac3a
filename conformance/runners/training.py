"""Runners of the snapshot families: build the small trainer a
``TrainingScenario`` describes through ``ns``, train it, snapshot it and
resume it in a fresh trainer, and return plain host data.

A training run returns a ``TrainingTrace``: the event log and the trainer's
final serialized state.  Events are tuples:

- ``('update', i, hyper)``: the loss function of update ``i`` ran, with the
  hyperparameters that update uses (``hyper``: ``(owner, name, value)`` rows
  for the optimizer and for each parameter's update rule);
- ``('call', name, iteration)``: a recording extension was called;
- ``('after', iteration, hyper)``: the hyperparameters after every extension
  of that iteration ran (the last extension called each iteration).
"""
import dataclasses
import os
import tempfile

import numpy

from conformance import devices, harness
from conformance.runners import optim

ELAPSED = '_snapshot_elapsed_time'


# --- building a scenario ------------------------------------------------------

def named_params(model):
    """``(path, param)`` pairs, paths without the leading slash (``l1/W``)."""
    return sorted(((path.lstrip('/'), param) for path, param in model.namedparams()),
                  key=lambda pair: pair[0])


def build_model(ns, scenario):
    W = numpy.array(scenario.W, dtype=numpy.float32).reshape(-1, 1)
    b = numpy.array(scenario.b, dtype=numpy.float32)
    return devices.place(
        ns.Chain(l1=ns.links.Linear(1, len(scenario.W), initialW=W, initial_bias=b)))


def build_optimizer(ns, spec, model):
    """``spec``'s optimizer set up on ``model``, with its per-rule settings."""
    optimizer = optim.make_optimizer(ns, spec.name, spec.kwargs)
    optimizer.setup(model)
    params = dict(named_params(model))
    for path, name, value in spec.overrides:
        setattr(params[path].update_rule.hyperparam, name, value)
    for path in spec.disabled:
        params[path].update_rule.enabled = False
    return optimizer


def build_shift(ns, spec):
    return getattr(ns.training.extensions, spec.kind)(spec.attr, **spec.kwargs)


def loss_function(ns, model):
    """Mean squared error of ``l1`` against ``x * (0.5, 1.0, ...)``."""
    def loss(x):
        y = model.l1(x)
        scale = numpy.arange(1, y.shape[1] + 1, dtype=numpy.float32) / 2
        return ns.functions.mean_squared_error(y, x * scale)
    return loss


def hyperparameters(optimizer, model):
    rows = [('optimizer', k, v) for k, v in sorted(optimizer.hyperparam.get_dict().items())]
    for path, param in named_params(model):
        if param.update_rule is not None:
            rows += [(path, k, v) for k, v in
                     sorted(param.update_rule.hyperparam.get_dict().items())]
    return tuple(rows)


@dataclasses.dataclass
class Rig:
    trainer: object
    model: object
    optimizer: object
    shifts: list
    events: list
    out: str


def serial_iterator(ns, dataset, scenario):
    """The iterator of the scenario's trainer, unless a property gives another."""
    return ns.iterators.SerialIterator(dataset, scenario.batch_size, shuffle=scenario.shuffle)


def build_trainer(ns, scenario, out, stop, *, extensions=(), autoload=False,
                  make_iterator=serial_iterator):
    """The scenario's trainer, stopping at ``stop``; ``extensions`` are
    callables ``(optimizer) -> extension`` registered after the shifts;
    ``make_iterator(ns, dataset, scenario)`` builds its iterator.  The
    ``snapshot`` extension (every ``k`` iterations) is there unless the
    scenario resumes from ``save_npz``: it costs a file write per firing."""
    model = build_model(ns, scenario)
    optimizer = build_optimizer(ns, scenario.optimizer, model)
    events = []
    rig = Rig(None, model, optimizer, [], events, out)
    loss = loss_function(ns, model)

    def recording_loss(x):
        events.append(('update', rig.trainer.updater.iteration + 1,
                       hyperparameters(optimizer, model)))
        return loss(x)

    iterator = make_iterator(ns, harness.dataset(scenario.n), scenario)
    updater = ns.training.updaters.StandardUpdater(
        iterator, optimizer, loss_func=recording_loss, device=devices.updater_device())
    rig.trainer = trainer = ns.training.Trainer(updater, stop_trigger=(stop, 'iteration'), out=out)
    for spec in scenario.shifts:
        shift = build_shift(ns, spec)
        rig.shifts.append(shift)
        trainer.extend(shift, trigger=(spec.period, 'iteration'))
    for make in extensions:
        trainer.extend(make(optimizer))
    for index, trigger in enumerate(scenario.recorders):
        name = f'record{index}'

        def record(trainer, name=name):
            events.append(('call', name, trainer.updater.iteration))
        trainer.extend(record, name=name, trigger=trigger)
    if scenario.mode != 'save_npz':
        # autoload is Chainer 6's: passed only by the properties that use it.
        trainer.extend(harness.call_with('training.extensions.snapshot',
                                         ns.training.extensions.snapshot,
                                         **({'autoload': True} if autoload else {})),
                       trigger=(scenario.snapshot_at, 'iteration'))

    def observe(trainer):
        events.append(('after', trainer.updater.iteration, hyperparameters(optimizer, model)))
    trainer.extend(observe, name='observe', trigger=(1, 'iteration'), priority=-1000)
    return rig


# --- running, snapshotting, resuming --------------------------------------------

@dataclasses.dataclass
class TrainingTrace:
    events: list
    state: dict            # key -> ndarray, the final trainer's snapshot content


def fresh_dir(out_dir):
    return tempfile.mkdtemp(dir=out_dir)


def serialized(ns, obj):
    """``obj``'s content as ``DictionarySerializer`` writes it, copied."""
    serializer = ns.serializers.DictionarySerializer()
    serializer.save(obj)
    return {key: numpy.array(value, copy=True) for key, value in serializer.target.items()}


def trace_of(ns, rig):
    state = serialized(ns, rig.trainer)
    state.pop(ELAPSED, None)
    return TrainingTrace(list(rig.events), state)


def run_uninterrupted(ns, scenario, out_dir, *, extensions=()):
    rig = build_trainer(ns, scenario, fresh_dir(out_dir), scenario.stop, extensions=extensions)
    rig.trainer.run()
    return trace_of(ns, rig)


def snapshot_file(ns, scenario, out_dir, *, extensions=()):
    """Train to ``k`` and return ``(events, path)`` of the snapshot the
    scenario's mode names: ``save_npz`` of the trainer after ``run()``
    returned, or the file the snapshot extension wrote at iteration ``k``."""
    first = build_trainer(ns, scenario, fresh_dir(out_dir), scenario.snapshot_at,
                          extensions=extensions)
    first.trainer.run()
    if scenario.mode == 'save_npz':
        path = os.path.join(first.out, 'resume.npz')
        ns.serializers.save_npz(path, first.trainer)
    else:
        path = os.path.join(first.out, f'snapshot_iter_{scenario.snapshot_at}')
    return first.events, path


def resume_from(ns, scenario, out_dir, path, *, extensions=()):
    """A fresh trainer to ``N`` that resumed from ``path``: loaded with
    ``load_npz`` before ``run()``, or (mode ``autoload``) by its snapshot
    extension finding the file in its ``out``."""
    out, autoload = fresh_dir(out_dir), scenario.mode == 'autoload'
    if autoload:
        with open(path, 'rb') as src, open(os.path.join(out, os.path.basename(path)), 'wb') as dst:
            dst.write(src.read())
    rig = build_trainer(ns, scenario, out, scenario.stop, extensions=extensions,
                        autoload=autoload)
    if not autoload:
        ns.serializers.load_npz(path, rig.trainer)
    return rig


def run_resumed(ns, scenario, out_dir, *, extensions=()):
    """Train to ``k``, snapshot, resume in a fresh trainer and train to ``N``
    (``scenario.mode``); the trace is both runs' events and the resumed
    trainer's final state."""
    events, path = snapshot_file(ns, scenario, out_dir, extensions=extensions)
    rig = resume_from(ns, scenario, out_dir, path, extensions=extensions)
    rig.trainer.run()
    trace = trace_of(ns, rig)
    trace.events = events + trace.events
    return trace


def trained(ns, scenario, out_dir, iterations, *, extensions=()):
    """The scenario's rig after ``iterations`` updates (0: never run)."""
    rig = build_trainer(ns, scenario, fresh_dir(out_dir), iterations, extensions=extensions)
    if iterations:
        rig.trainer.run()
    return rig


def read_npz(path):
    """The arrays of an npz file, read without unpickling anything (object
    members are left out)."""
    content = {}
    with numpy.load(path, allow_pickle=False) as f:
        for key in f.files:
            try:
                content[key] = f[key]
            except ValueError:
                pass
    return content
