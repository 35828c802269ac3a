"""Runners for the trainer families: build what a scenario describes through
``ns``, run it, and return what happened as plain host data.

The main runner records one event log per scenario; each property projects
the part of it that its rule is about.  Events are tuples:

- ``('init', label)``: the extension's ``initialize`` ran;
- ``('call', label, iteration, is_before_training, observation)``: the
  extension ran; ``observation`` is the sorted items of
  ``trainer.observation`` at that moment;
- ``('trigger', label, role, iteration)``: a callable trigger was consulted
  (``role`` is ``'own'`` or ``'extend'``, where it was given);
- ``('stop?', iteration, observation)``: the stop trigger was consulted;
- ``('update', number)``: the loss function ran for update ``number``
  (counted from the updater's first update);
- ``('on_error', label, same_exception, traceback_given)``;
- ``('finalize', label)`` and ``('updater.finalize',)``;
- ``('run', index)`` then ``('returned', index)`` or
  ``('raised', index, type_name, is_the_injected_exception)``, with the
  message appended for an exception that is not the injected one.
"""
import time
import types

import numpy

from conformance import devices, harness
from conformance.strategies.trainer import IntervalSpec, ManualSpec


class InjectedFailure(Exception):
    """Raised on purpose by a scenario's extension or update."""


def label(index):
    return f'e{index}'


def items(observation):
    """An observation as sorted ``(key, value)`` pairs of host values."""
    return tuple(sorted((key, _host(value)) for key, value in observation.items()))


def _host(value):
    array = getattr(value, 'array', value)
    return array.item() if isinstance(array, numpy.ndarray) else array


# --- the trainer scenario ------------------------------------------------------

class _Recorder:
    """The event log and the bits of state a scenario's callables share."""

    def __init__(self):
        self.events = []
        self.updates = 0
        self.injected = []
        self.raised_once = set()

    def fail(self, what):
        error = InjectedFailure(what)
        self.injected.append(error)
        raise error


def _trigger(ns, spec, log, owner, role):
    """The trigger object a user writes for ``spec``."""
    if spec.kind == 'none':
        return None
    if spec.kind == 'tuple':
        return (spec.period, 'iteration')
    if spec.kind == 'interval':
        return ns.training.triggers.IntervalTrigger(spec.period, 'iteration')

    def trigger(trainer):
        iteration = trainer.updater.iteration
        log.events.append(('trigger', owner, role, iteration))
        return iteration in spec.fires_at
    if spec.finished is not None:
        trigger.finished = spec.finished
    return trigger


def _priority(ns, value):
    return getattr(ns.training, value) if isinstance(value, str) else value


def _callbacks(ns, spec, name, log):
    """What the extension does when called and in each hook: record, then
    report or raise as the spec says."""
    def call(trainer):
        iteration = trainer.updater.iteration
        log.events.append(('call', name, iteration, trainer.is_before_training,
                           items(trainer.observation)))
        if spec.reports:
            ns.report({name: iteration})
        if spec.raises_at == iteration and name not in log.raised_once:
            log.raised_once.add(name)
            log.fail(f'{name} at iteration {iteration}')

    def initialize(trainer):
        log.events.append(('init', name))

    def on_error(trainer, exc, tb):
        same = bool(log.injected) and exc is log.injected[-1]
        log.events.append(('on_error', name, same, isinstance(tb, types.TracebackType)))
        if spec.handler_raises:
            raise RuntimeError(f'on_error of {name} fails too')

    def finalize():
        log.events.append(('finalize', name))

    return types.SimpleNamespace(call=call, initialize=initialize, on_error=on_error,
                                 finalize=finalize)


def _as_lambda(ns, spec, name, does, trigger):
    return lambda trainer: does.call(trainer)


def _as_function(ns, spec, name, does, trigger):
    """A function with the attributes set by hand (duck typing)."""
    def extension(trainer):
        does.call(trainer)
    if spec.own_trigger is not None:
        extension.trigger = trigger
    if spec.own_priority is not None:
        extension.priority = _priority(ns, spec.own_priority)
    if spec.hooks:
        extension.initialize = does.initialize
        extension.on_error = does.on_error
        extension.finalize = does.finalize
    return extension


def _as_make_extension(ns, spec, name, does, trigger):
    """A function decorated with ``make_extension(...)``."""
    options = {} if spec.own_trigger is None else {'trigger': trigger}
    if spec.own_priority is not None:
        options['priority'] = _priority(ns, spec.own_priority)
    if spec.hooks:
        options.update(initializer=does.initialize, on_error=does.on_error,
                       finalizer=does.finalize)

    def extension(trainer):
        does.call(trainer)
    return ns.training.make_extension(**options)(extension)


def _as_subclass(ns, spec, name, does, trigger):
    """An ``Extension`` subclass: a tuple or ``None`` trigger as a class
    attribute, a trigger object set on the instance (as in ``__init__``)."""
    attributes = {'__call__': lambda self, trainer: does.call(trainer)}
    if spec.own_priority is not None:
        attributes['priority'] = _priority(ns, spec.own_priority)
    on_class = spec.own_trigger is not None and spec.own_trigger.kind in ('none', 'tuple')
    if on_class:
        attributes['trigger'] = trigger
    if spec.hooks:
        attributes['initialize'] = lambda self, trainer: does.initialize(trainer)
        attributes['on_error'] = lambda self, trainer, exc, tb: does.on_error(trainer, exc, tb)
        attributes['finalize'] = lambda self: does.finalize()
    extension = type(name, (ns.training.Extension,), attributes)()
    if spec.own_trigger is not None and not on_class:
        extension.trigger = trigger
    return extension


_FORMS = {'lambda': _as_lambda, 'function': _as_function,
          'make_extension': _as_make_extension, 'subclass': _as_subclass}


def _extension(ns, spec, name, log):
    """The extension object for ``spec``, written in its ``form``."""
    trigger = (None if spec.own_trigger is None
               else _trigger(ns, spec.own_trigger, log, name, 'own'))
    return _FORMS[spec.form](ns, spec, name, _callbacks(ns, spec, name, log), trigger)


def _extend_kwargs(ns, spec, name, log):
    kwargs = {}
    if spec.extend_trigger is not None:
        kwargs['trigger'] = _trigger(ns, spec.extend_trigger, log, name, 'extend')
    if spec.extend_priority is not None:
        kwargs['priority'] = _priority(ns, spec.extend_priority)
    if spec.call_before_training:
        kwargs['call_before_training'] = True
    return kwargs


def _updater(ns, out, log, scenario):
    """A StandardUpdater whose loss records (and may fail) each update and
    whose ``finalize`` is recorded, after ``prior_iterations`` updates."""
    def loss(*batch):
        log.updates += 1
        log.events.append(('update', log.updates))
        if log.updates == scenario.update_raises_at:
            log.fail(f'update {log.updates}')
        ns.report({'loss': log.updates})
        return harness.zero_loss(ns)()

    class RecordingUpdater(ns.training.updaters.StandardUpdater):
        def finalize(self):
            log.events.append(('updater.finalize',))
            super().finalize()

    model = ns.Chain()
    optimizer = ns.optimizers.SGD(lr=0.1)
    optimizer.setup(model)
    iterator = ns.iterators.SerialIterator(harness.dataset(10), 1, shuffle=False)
    updater = RecordingUpdater(iterator, optimizer, loss_func=loss)
    if scenario.prior_iterations:
        earlier = ns.training.Trainer(
            updater, stop_trigger=(scenario.prior_iterations, 'iteration'), out=out)
        earlier.run()
        log.events.clear()
    return updater


def run_trainer(ns, out, scenario):
    """Run ``scenario`` and return its event log (see the module docstring)."""
    log = _Recorder()
    updater = _updater(ns, out, log, scenario)
    end = scenario.prior_iterations + scenario.stop

    def stop_trigger(trainer):
        log.events.append(('stop?', trainer.updater.iteration, items(trainer.observation)))
        return trainer.updater.iteration >= end

    trainer = ns.training.Trainer(updater, stop_trigger=stop_trigger, out=out)
    for index, spec in enumerate(scenario.extensions):
        name = label(index)
        trainer.extend(_extension(ns, spec, name, log), **_extend_kwargs(ns, spec, name, log))
    for index in range(scenario.runs):
        log.events.append(('run', index))
        try:
            trainer.run(show_loop_exception_msg=scenario.show_loop_exception_msg)
        except Exception as error:
            same = bool(log.injected) and error is log.injected[-1]
            log.events.append(('raised', index, type(error).__name__, same)
                              + (() if same else (str(error),)))
        else:
            log.events.append(('returned', index))
    return log.events


# --- names ------------------------------------------------------------------

def _named_object(ns, spec):
    def call(trainer):
        pass
    if spec.form == 'subclass':
        attributes = {'__call__': lambda self, trainer: None}
        if spec.default_name is not None:
            attributes['default_name'] = spec.default_name
        obj = type(spec.type_name, (ns.training.Extension,), attributes)()
    elif spec.form == 'object':
        obj = type(spec.type_name, (), {'__call__': lambda self, trainer: None})()
        if spec.default_name is not None:
            obj.default_name = spec.default_name
    elif spec.form in ('function', 'make_extension'):
        obj = call
        obj.__name__ = spec.type_name
        if spec.form == 'make_extension':
            obj = ns.training.make_extension(default_name=spec.default_name)(obj)
        elif spec.default_name is not None:
            obj.default_name = spec.default_name
    elif spec.form == 'lambda':
        obj = lambda trainer: None  # NOQA: E731 (a lambda is the point)
    else:
        raise ValueError(f'unknown form {spec.form!r}')
    if spec.name is not None:
        obj.name = spec.name
    return obj


def run_names(ns, out, scenario, probes):
    """Register the scenario's objects and look them up by the names in
    ``probes``.

    Returns ``(outcomes, lookups)``.  An outcome is ``('error', type name,
    message)`` or ``('ok', new name, name attribute)``: the probe under which
    ``get_extension`` newly finds the object (``None`` if none) and the
    object's ``name`` attribute afterwards (the new name is searched among
    ``probes``, then checked at ``ext.name``).  ``lookups`` gives, per trainer,
    what ``get_extension`` finally returns for each probe: the index of the
    object, ``'foreign'`` for another object, or the error's type name.
    """
    objects = [_named_object(ns, spec) for spec in scenario.objects]
    trainers = [harness.make_trainer(ns, out) for _ in range(2)]

    def lookup(trainer):
        found = {}
        for name in probes:
            try:
                ext = trainer.get_extension(name)
            except Exception as error:
                found[name] = type(error).__name__
            else:
                found[name] = next((i for i, o in enumerate(objects) if o is ext), 'foreign')
        return found

    outcomes = []
    for registration in scenario.registrations:
        trainer, obj = trainers[registration.trainer], objects[registration.obj]
        before = lookup(trainer)
        try:
            trainer.extend(obj, name=registration.name)
        except Exception as error:
            outcomes.append(('error', type(error).__name__, str(error)))
            continue
        after = lookup(trainer)
        new = [name for name in probes
               if after[name] == registration.obj and before[name] != registration.obj]
        if not new and isinstance(getattr(obj, 'name', None), str):
            try:
                new = [obj.name] if trainer.get_extension(obj.name) is obj else []
            except Exception:
                pass
        outcomes.append(('ok', new[0] if len(new) == 1 else None, getattr(obj, 'name', None)))
    return outcomes, [lookup(trainer) for trainer in trainers]


# --- schedules --------------------------------------------------------------

def _schedule_trigger(ns, spec):
    triggers = ns.training.triggers
    if isinstance(spec, IntervalSpec):
        return triggers.IntervalTrigger(spec.period, spec.unit)
    if isinstance(spec, ManualSpec):
        points = list(spec.points) if isinstance(spec.points, tuple) else spec.points
        return triggers.ManualScheduleTrigger(points, spec.unit)
    return once_trigger(ns, spec)


def once_trigger(ns, spec):
    """``OnceTrigger()`` when the spec leaves ``call_on_resume`` out (its
    default applies), else ``OnceTrigger(call_on_resume=...)``."""
    if spec.call_on_resume is None:
        return ns.training.triggers.OnceTrigger()
    return ns.training.triggers.OnceTrigger(call_on_resume=spec.call_on_resume)


def _trainer_after(ns, out, scenario, stop):
    """A trainer over an updater that already made ``prior_iterations``
    updates under an earlier trainer."""
    prior = scenario.prior_iterations
    first = harness.make_trainer(ns, out, n=scenario.n, batch_size=scenario.batch_size,
                                 stop=(prior, 'iteration') if prior else None)
    if prior:
        first.run()
    return ns.training.Trainer(first.updater, stop_trigger=stop, out=out)


def run_schedule(ns, out, scenario, trigger=None):
    """Call the scenario's trigger (or ``trigger``) at every iteration of a
    run; return ``(iteration, fired, finished)`` per call, ``finished`` being
    ``None`` for a trigger without that attribute."""
    trigger = trigger if trigger is not None else _schedule_trigger(ns, scenario.trigger)
    calls = []

    def observed(trainer):
        fired = trigger(trainer)
        calls.append((trainer.updater.iteration, bool(fired),
                      getattr(trigger, 'finished', None)))
        return fired

    trainer = _trainer_after(
        ns, out, scenario,
        stop=(scenario.prior_iterations + scenario.iterations, 'iteration'))
    trainer.extend(lambda trainer: None, trigger=observed)
    trainer.run()
    return calls


def run_stop(ns, out, scenario):
    """Run under stop trigger ``(period, unit)``; return the iterations at
    which an every-iteration extension ran."""
    spec = scenario.trigger
    trainer = _trainer_after(ns, out, scenario, stop=(spec.period, spec.unit))
    ran = []
    trainer.extend(lambda trainer: ran.append(trainer.updater.iteration))
    trainer.run()
    return ran


def run_resumed_once(ns, out, scenario):
    """An ``OnceTrigger`` consulted ``prior_iterations`` times, saved, and
    loaded into a new ``OnceTrigger`` of the scenario's spec that drives an
    extension for ``iterations`` more; return ``(initialized, fired at)``."""
    first = ns.training.triggers.OnceTrigger()
    prior = scenario.prior_iterations
    earlier = harness.make_trainer(ns, out, n=scenario.n, batch_size=scenario.batch_size,
                                   stop=(prior, 'iteration') if prior else None)
    earlier.extend(lambda trainer: None, trigger=first)
    if prior:
        earlier.run()
    saved = ns.serializers.DictionarySerializer()
    first.serialize(saved)

    resumed = once_trigger(ns, scenario.trigger)
    resumed.serialize(ns.serializers.NpzDeserializer(saved.target))
    events = []
    trainer = ns.training.Trainer(
        earlier.updater, out=out,
        stop_trigger=(scenario.prior_iterations + scenario.iterations, 'iteration'))
    extension = ns.training.make_extension(
        trigger=resumed, initializer=lambda trainer: events.append('init'))(
        lambda trainer: events.append(trainer.updater.iteration))
    trainer.extend(extension)
    trainer.run()
    return 'init' in events, [e for e in events if e != 'init']


def run_iterator_states(ns, out, scenario):
    """Updater/iterator state before the run and after every update:
    ``(iteration, epoch, epoch_detail, previous_epoch_detail, is_new_epoch,
    optimizer.epoch, batch)``; ``batch`` is the sample values the loss saw
    (``None`` before the run)."""
    batches = []

    def loss(x):
        batches.append([int(v) for v in numpy.asarray(getattr(x, 'array', x)).ravel()])
        return harness.zero_loss(ns)()

    stop = (scenario.iterations, 'iteration') if scenario.repeat else (1, 'epoch')
    trainer = harness.make_trainer(ns, out, n=scenario.n, batch_size=scenario.batch_size,
                                   stop=stop, loss_func=loss, repeat=scenario.repeat)
    states = []

    def record(trainer):
        updater = trainer.updater
        states.append((updater.iteration, updater.epoch, updater.epoch_detail,
                       updater.previous_epoch_detail, updater.is_new_epoch,
                       updater.get_optimizer('main').epoch,
                       batches[-1] if updater.iteration else None))
    record(trainer)
    trainer.extend(record)
    trainer.run()
    return states


def run_elapsed_time(ns, out, stop):
    """``trainer.elapsed_time`` before ``run`` (the value, or the error's type
    name), read in ``initialize`` and at each of ``stop`` iterations, and
    read twice after the run, and the wall-clock seconds ``run`` took."""
    def read(trainer):
        try:
            return trainer.elapsed_time
        except Exception as error:
            return type(error).__name__

    trainer = harness.make_trainer(ns, out, stop=(stop, 'iteration'))
    before = read(trainer)
    during = []
    extension = ns.training.make_extension(
        initializer=lambda trainer: during.append(read(trainer)))(
        lambda trainer: during.append(read(trainer)))
    trainer.extend(extension)
    start = time.perf_counter()
    trainer.run()
    wall = time.perf_counter() - start
    return before, during, (read(trainer), read(trainer)), wall


# --- the standard updater -------------------------------------------------------

def example(scenario, index, offset=0):
    """Example ``index`` of a dataset of the scenario's form: component ``c``
    is the array ``[offset + index, c]``."""
    def component(c):
        return numpy.array([offset + index, c], dtype=numpy.float32)
    if scenario.example == 'array':
        return component(0)
    if scenario.example == 'tuple':
        return tuple(component(c) for c in range(scenario.width))
    return {f'k{c}': component(c) for c in range(scenario.width)}


def host(value):
    """Arrays as nested lists, tuples and lists as lists, dicts as sorted
    ``(key, value)`` pairs: a loss argument as plain host data."""
    if isinstance(value, dict):
        return [(key, host(value[key])) for key in sorted(value)]
    if isinstance(value, (tuple, list)):
        return [host(v) for v in value]
    return devices.to_host(getattr(value, 'array', value)).tolist()


def _device_name(device):
    return None if device is None else device.name


class _UpdaterLog:
    """What the loss saw at each update, and the converter's device argument."""

    def __init__(self, ns):
        self.ns = ns
        self.calls = []
        self.converter_devices = []
        self.models = {}

    def loss(self, who, args, kwargs):
        """Record one loss call; every model reports ``loss`` and its part
        reports ``count``, both the number of the update."""
        self.calls.append((who, host(args), host(kwargs)))
        number = len(self.calls)
        for model in self.models.values():
            self.ns.report({'loss': number}, model)
            self.ns.report({'count': number}, model.part)
        return harness.zero_loss(self.ns)()


def _updater_model(ns, log):
    """A chain with a child link ``part`` and a persistent ``seen``; called,
    it is the loss and records its arguments as such."""
    class Model(ns.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.part = ns.Chain()
            self.add_persistent('seen', 0)

        def forward(self, *args, **kwargs):
            return log.loss('model', args, kwargs)
    return Model()


def _build_updater(ns, scenario, log, finalized):
    """The scenario's ``StandardUpdater`` and the iterators, optimizers and
    models it was given (dicts by name); ``finalize`` of an iterator appends
    its name to ``finalized``."""
    class Iterator(ns.iterators.SerialIterator):
        def finalize(self):
            finalized.append(self.label)

    names = ('main', 'extra') if scenario.dicts else ('main',)
    iterators, optimizers = {}, {}
    for k, name in enumerate(names):
        log.models[name] = _updater_model(ns, log)
        optimizers[name] = ns.optimizers.SGD(lr=0.1)
        optimizers[name].setup(log.models[name])
        data = [example(scenario, i, 100 * k) for i in range(scenario.n)]
        iterators[name] = Iterator(data, scenario.batch_size, shuffle=False)
        iterators[name].label = name

    kwargs, spec = {}, devices.current().chainer_spec
    if scenario.converter == 'recording':
        def converter(batch, device):
            log.converter_devices.append(None if device is None else 'device')
            return ns.dataset.concat_examples(batch, device)
        kwargs['converter'] = converter
    elif scenario.converter == 'list':
        kwargs['converter'] = lambda batch, device: list(batch)
    if scenario.loss == 'loss_func':
        kwargs['loss_func'] = lambda *args, **kw: log.loss('loss_func', args, kw)
    if scenario.device:
        kwargs['device'] = spec
    if scenario.input_device:
        kwargs['input_device'] = spec
    if scenario.auto_new_epoch is not None:
        kwargs['auto_new_epoch'] = scenario.auto_new_epoch
    updater = ns.training.updaters.StandardUpdater(
        iterators if scenario.dicts else iterators['main'],
        optimizers if scenario.dicts else optimizers['main'], **kwargs)
    return updater, iterators, optimizers


def run_updater(ns, out, scenario):
    """Build the scenario's updater, run a trainer over it for
    ``iterations`` updates, save it and load the save into a fresh one.

    Returns a dict: ``calls`` ``(who, args, kwargs)`` per update (``who`` is
    ``'loss_func'`` or ``'model'``, the arguments as ``host`` gives them);
    ``converter_devices`` (``None`` or ``'device'`` per update, for the
    recording converter); ``steps`` ``(iteration, main optimizer's epoch,
    observation items)`` after each update; ``built``: the device names of
    the updater, its input and each model, ``auto_new_epoch``, each
    optimizer's ``use_auto_new_epoch``, whether ``get_iterator`` /
    ``get_optimizer`` / ``get_all_optimizers`` give the objects passed (the
    last also after clearing a dict it returned); ``finalized``: the
    iterators finalized by the run, in order; ``untouched``: the extra
    iterator's ``epoch_detail`` and optimizer's ``t`` after the run;
    ``saved``: the first component of each key ``serialize`` writes;
    ``restored``: ``iteration`` and each iterator's ``epoch_detail`` of a
    fresh updater loaded from the save.
    """
    log, finalized = _UpdaterLog(ns), []
    updater, iterators, optimizers = _build_updater(ns, scenario, log, finalized)
    everything = updater.get_all_optimizers()
    listed = sorted((name, everything[name] is optimizers.get(name)) for name in everything)
    everything.clear()
    built = {
        'device': _device_name(updater.device),
        'input_device': _device_name(updater.input_device),
        'model_devices': {name: _device_name(m.device) for name, m in log.models.items()},
        'auto_new_epoch': updater.auto_new_epoch,
        'use_auto_new_epoch': {name: o.use_auto_new_epoch for name, o in optimizers.items()},
        'get_iterator': {name: updater.get_iterator(name) is it
                         for name, it in iterators.items()},
        'get_optimizer': {name: updater.get_optimizer(name) is o
                          for name, o in optimizers.items()},
        'get_all_optimizers': listed,
        'get_all_optimizers again': sorted(updater.get_all_optimizers()),
    }

    trainer = ns.training.Trainer(updater, stop_trigger=(scenario.iterations, 'iteration'),
                                  out=out)
    steps = []
    trainer.extend(lambda trainer: steps.append(
        (trainer.updater.iteration, optimizers['main'].epoch, items(trainer.observation))))
    trainer.run()
    finalized_by_run = list(finalized)

    saved = ns.serializers.DictionarySerializer()
    updater.serialize(saved)
    fresh, fresh_iterators, _ = _build_updater(ns, scenario, _UpdaterLog(ns), [])
    fresh.serialize(ns.serializers.NpzDeserializer(saved.target))
    return {
        'calls': log.calls, 'converter_devices': log.converter_devices, 'steps': steps,
        'built': built, 'finalized': finalized_by_run,
        'untouched': ((iterators['extra'].epoch_detail, optimizers['extra'].t)
                      if scenario.dicts else None),
        'saved': sorted({key.split('/')[0] for key in saved.target}),
        'restored': (fresh.iteration,
                     {name: it.epoch_detail for name, it in fresh_iterators.items()}),
    }


def run_resumed_elapsed_time(ns, out, seconds):
    """Run a trainer one iteration and save it; set the save's
    ``_snapshot_elapsed_time`` to ``seconds`` (``None``: delete the key);
    load it non-strictly into a fresh trainer and run that one iteration
    more.  Returns its ``elapsed_time`` after the run and the wall-clock
    seconds the run took."""
    first = harness.make_trainer(ns, out, stop=(1, 'iteration'))
    first.run()
    saved = ns.serializers.DictionarySerializer()
    first.serialize(saved)
    if seconds is None:
        del saved.target['_snapshot_elapsed_time']
    else:
        saved.target['_snapshot_elapsed_time'] = numpy.asarray(seconds)
    trainer = harness.make_trainer(ns, out, stop=(2, 'iteration'))
    trainer.serialize(ns.serializers.NpzDeserializer(saved.target, strict=False))
    start = time.perf_counter()
    trainer.run()
    return trainer.elapsed_time, time.perf_counter() - start


# --- construction -------------------------------------------------------------

def run_construction(ns, out, scenario):
    """Construct (and do not run) a trainer as the scenario says.

    Returns a dict: ``out`` (the attribute; ``'<given>'`` for the value
    passed), whether ``updater`` is the one passed, ``observation``, one
    entry per ``connect_trainer`` call (whether it got the trainer, and
    which of the constructor's extensions ``get_extension`` found then),
    the names those extensions got, which of them ``get_extension`` finds
    afterwards, and what the stop trigger says now.
    """
    connected = []
    functions = []
    for index in range(scenario.extensions or 0):
        def extension(trainer):
            pass
        extension.__name__ = f'x{index}'
        functions.append(extension)

    def registered(trainer):
        found = []
        for function in functions:
            try:
                found.append(trainer.get_extension(function.__name__) is function)
            except ValueError:
                found.append(False)
        return found

    class Updater(ns.training.updaters.StandardUpdater):
        def connect_trainer(self, trainer):
            connected.append((trainer, registered(trainer)))

    model = ns.Chain()
    optimizer = ns.optimizers.SGD(lr=0.1)
    optimizer.setup(model)
    iterator = ns.iterators.SerialIterator(harness.dataset(4), 1, shuffle=False)
    updater = Updater(iterator, optimizer, loss_func=harness.zero_loss(ns))
    kwargs = {'out': out} if scenario.out_given else {}
    if scenario.extensions is not None:
        kwargs['extensions'] = functions
    trainer = ns.training.Trainer(updater, **kwargs)
    return {
        'out': '<given>' if scenario.out_given and trainer.out == out else trainer.out,
        'updater': trainer.updater is updater,
        'observation': trainer.observation,
        'connect_trainer': [(got is trainer, found) for got, found in connected],
        'names': [getattr(function, 'name', None) for function in functions],
        'registered': registered(trainer),
        'stop_trigger': trainer.stop_trigger(trainer),
    }


# --- misuse of the extension API ----------------------------------------------------

def _outcome(call):
    try:
        call()
    except Exception as error:
        return type(error).__name__, str(error)
    return ('returned',)


def run_rejected_keywords(ns, out, keywords):
    """``extend(ext, **kwargs)`` and ``make_extension(**kwargs)`` with
    ``keywords`` (values ``None``): each outcome (``('returned',)`` or the
    error's type name and message), and whether ``extend`` registered."""
    kwargs = dict.fromkeys(keywords)
    trainer = harness.make_trainer(ns, out)

    def ext(trainer):
        pass
    extend = _outcome(lambda: trainer.extend(ext, **kwargs))
    return {'extend': extend,
            'registered': _outcome(lambda: trainer.get_extension('ext'))[0],
            'make_extension': _outcome(lambda: ns.training.make_extension(**kwargs))}


def run_missing_attributes(ns, class_name, names):
    """``getattr`` of each of ``names`` on an instance of an ``Extension``
    subclass called ``class_name``: the error's type name and message."""
    cls = type(class_name, (ns.training.Extension,), {'__call__': lambda self, trainer: None})
    extension = cls()
    return [_outcome(lambda: getattr(extension, name)) for name in names]


# --- failure messages ---------------------------------------------------------

def mismatch(scenario, expected, actual, what='trace', context=None):
    """A readable assertion message: the scenario, the first difference,
    both sequences in full, then ``context`` (what the model derived them
    from), if given."""
    expected, actual = list(expected), list(actual)
    index = next((i for i, (e, a) in enumerate(zip(expected, actual)) if e != a),
                 min(len(expected), len(actual)))
    first_e = expected[index] if index < len(expected) else '<end>'
    first_a = actual[index] if index < len(actual) else '<end>'
    return (f'{what} differs from the model of Chainer 7.8.1\n'
            f'  scenario: {scenario}\n'
            f'  first difference at position {index}: expected {first_e!r}, got {first_a!r}\n'
            f'  expected: {expected}\n'
            f'  actual:   {actual}'
            + (f'\n  {context}' if context else ''))
