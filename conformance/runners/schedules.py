"""Runners of the trigger-schedule family: a built-in trigger consulted at
every iteration of a run, the stop trigger, a restored ``OnceTrigger`` and
the updater's state over its iterator, through ``ns``.
"""
import numpy

from conformance import harness
from conformance.strategies.trainer import IntervalSpec, ManualSpec


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


def run_schedule(ns, out, scenario, trigger=None, consult_at=None):
    """Call the scenario's trigger (or ``trigger``) at every iteration of a
    run, or only at the iterations in ``consult_at`` (a user's trigger that
    asks an inner one now and then); return ``(iteration, fired, finished)``
    per call, ``finished`` being ``None`` for a trigger without that attribute."""
    trigger = trigger if trigger is not None else _schedule_trigger(ns, scenario.trigger)
    calls = []

    def observed(trainer):
        if consult_at is not None and trainer.updater.iteration not in consult_at:
            return False
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
