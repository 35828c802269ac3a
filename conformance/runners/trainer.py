"""The runner of the trainer families' ``TrainerScenario``: build the
extensions it describes through ``ns``, register them, call ``run`` and
return the event log as plain host data (``runners.names``,
``runners.schedules``, ``runners.updater`` and ``runners.trainer_api`` run
the families' other scenarios).

Each property projects the part of the log that its rule is about.  Events
are tuples:

- ``('init', label)``: the extension's ``initialize`` ran;
- ``('call', label, iteration, is_before_training, observation)``: the
  extension ran; ``observation`` is the sorted items of
  ``trainer.observation`` at that moment; ``is_before_training`` is read
  only for scenarios that pin it (``observes_before_training``), else None;
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
import types

import numpy

from conformance import harness
from conformance.namespace import ImplementationLacks


class InjectedFailure(Exception):
    """Raised on purpose by a scenario's extension or update."""


def label(index):
    return f'e{index}'


def items(observation):
    """An observation as sorted ``(key, value)`` pairs of host values."""
    return tuple(sorted((key, _scalar(value)) for key, value in observation.items()))


def _scalar(value):
    """A reported value (a variable, an array or a number) as a Python scalar."""
    array = getattr(value, 'array', value)
    return array.item() if isinstance(array, numpy.ndarray) else array


# --- building and running the scenario -------------------------------------------

class _Recorder:
    """The event log and the bits of state a scenario's callables share."""

    def __init__(self):
        self.events = []
        self.observes_before_training = False
        self.can_fail = True    # whether an update or an extension may raise
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
    """A priority spec as the user writes it: a constant's name, an int, or
    ``EXPLICIT_NONE`` (``None`` passed on purpose)."""
    if value == 'explicit None':
        return None
    return getattr(ns.training, value) if isinstance(value, str) else value


def _callbacks(ns, spec, name, log):
    """What the extension does when called and in each hook: record, then
    report or raise as the spec says."""
    def call(trainer):
        iteration = trainer.updater.iteration
        before = (harness.attribute(trainer, 'is_before_training',
                                    'training.Trainer.is_before_training')
                  if log.observes_before_training else None)
        log.events.append(('call', name, iteration, before, items(trainer.observation)))
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
                                 finalize=finalize, can_fail=log.can_fail)


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
    # on_error is Chainer 6's (initializer and finalizer older): a lack if
    # refused, unless the run cannot fail.  It is passed whenever accepted, so
    # that an on_error called without an error shows in the event log.
    try:
        decorate = harness.call_with('training.make_extension', ns.training.make_extension,
                                     **options)
    except ImplementationLacks as lack:
        if does.can_fail or 'on_error' not in options or 'on_error=' not in str(lack):
            raise
        del options['on_error']
        decorate = harness.call_with('training.make_extension', ns.training.make_extension,
                                     **options)
    return decorate(extension)


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
    log.observes_before_training = scenario.observes_before_training
    log.can_fail = (scenario.update_raises_at is not None
                    or any(spec.raises_at is not None for spec in scenario.extensions))
    updater = _updater(ns, out, log, scenario)
    end = scenario.prior_iterations + scenario.stop

    def stop_trigger(trainer):
        log.events.append(('stop?', trainer.updater.iteration, items(trainer.observation)))
        return trainer.updater.iteration >= end

    trainer = ns.training.Trainer(updater, stop_trigger=stop_trigger, out=out)
    for index, spec in enumerate(scenario.extensions):
        name = label(index)
        harness.call_with('training.Trainer.extend', trainer.extend,
                          _extension(ns, spec, name, log), **_extend_kwargs(ns, spec, name, log))
    for index in range(scenario.runs):
        log.events.append(('run', index))
        try:
            trainer.run(show_loop_exception_msg=scenario.show_loop_exception_msg)
        except ImplementationLacks:
            raise
        except Exception as error:
            same = bool(log.injected) and error is log.injected[-1]
            log.events.append(('raised', index, type(error).__name__, same)
                              + (() if same else (str(error),)))
        else:
            log.events.append(('returned', index))
    return log.events


def run_without_stop_trigger(ns, out, n, batch_size, left_out):
    """A trainer without a stop trigger (``stop_trigger=None``, or the
    argument ``left_out``) over a ``SerialIterator`` of ``n`` examples that
    does not repeat, with an extension called each iteration that records
    its calls, ``on_error`` and ``finalize``.  Returns the event log:
    ``('call', iteration, batch size seen)``, ``('on_error', error type)``,
    ``('finalize',)``, then ``('raised', type)`` or ``('returned',)``."""
    events, sizes, zero_loss = [], [], harness.zero_loss(ns)

    def loss(*batch):
        sizes.append(len(batch[0]))
        return zero_loss()

    iterator = ns.iterators.SerialIterator(harness.dataset(n), batch_size, repeat=False,
                                           shuffle=False)
    optimizer = ns.optimizers.SGD(lr=0.1)
    optimizer.setup(ns.Chain())
    updater = ns.training.updaters.StandardUpdater(iterator, optimizer, loss_func=loss)
    kwargs = {} if left_out else {'stop_trigger': None}
    trainer = ns.training.Trainer(updater, out=out, **kwargs)

    def record(trainer):
        events.append(('call', trainer.updater.iteration, sizes[-1]))

    # on_error is Chainer 6's: a lack if refused.
    trainer.extend(harness.call_with(
        'training.make_extension', ns.training.make_extension, trigger=(1, 'iteration'),
        on_error=lambda trainer, error, tb: events.append(('on_error', type(error).__name__)),
        finalizer=lambda: events.append(('finalize',)))(record))
    try:
        trainer.run(show_loop_exception_msg=False)
    except Exception as error:
        events.append(('raised', type(error).__name__))
    else:
        events.append(('returned',))
    return events
