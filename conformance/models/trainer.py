"""The event log of ``Trainer.run`` (chainer/training/trainer.py:Trainer.run@v7.8.1;
SEMANTICS B1-B9).

``run`` refuses to run after a completed run; sorts the extensions once by
priority (``models.extensions.call_order``) and keeps that order for every
phase; calls every ``initialize`` unless the extension's trigger reports
``finished``; if no update was done yet, calls the ``call_before_training``
extensions (with one fresh observation); then loops: consult the stop
trigger, start a fresh observation, update, call each extension whose
trigger fires.  On an ``Exception`` it calls every ``on_error`` and re-raises
the same exception; in any case it calls every ``finalize``, then
``updater.finalize``.  A run that raised does not count as done.

The log is the one ``runners.trainer.run_trainer`` records (its module
docstring lists the events).
"""
from conformance.models import extensions, iterator, triggers

ALREADY_RAN = 'cannot run training loop multiple times'


def _finished(trigger):
    return trigger.kind == 'callable' and bool(trigger.finished)


def _items(observation):
    return tuple(sorted(observation.items()))


def trainer_run(scenario):
    """The event log of ``Trainer.run`` called ``scenario.runs`` times on a
    ``TrainerScenario``: the update reports ``loss``; a reporting extension
    reports ``{label: iteration}``; interval triggers keep their state from
    one run to the next."""
    def before(value):  # is_before_training, recorded only where pinned
        return value if scenario.observes_before_training else None

    order = extensions.call_order(scenario.extensions)
    chosen = {name: extensions.chosen_trigger(spec) for name, spec in order}
    last_seen = {name: 0 for name, _ in order}     # IntervalTrigger memory
    iteration = updates = scenario.prior_iterations
    end = scenario.prior_iterations + scenario.stop
    observation, done, raised_once, events = {}, False, set(), []
    for run in range(scenario.runs):
        events.append(('run', run))
        if done:
            events.append(('raised', run, 'RuntimeError', False, ALREADY_RAN))
            continue
        events += [('init', name) for name, spec in order
                   if spec.hooks and not _finished(chosen[name][0])]
        if iteration == 0:
            observation = {}
            for name, spec in order:
                if spec.call_before_training:
                    events.append(('call', name, 0, before(True), _items(observation)))
                    if spec.reports:
                        observation[name] = 0
        failed = False
        while not failed:
            events.append(('stop?', iteration, _items(observation)))
            if iteration >= end:
                break
            observation = {}
            updates += 1
            events.append(('update', updates))
            if updates == scenario.update_raises_at:
                failed = True
                break
            observation['loss'] = updates
            iteration += 1
            for name, spec in order:
                trigger, role = chosen[name]
                if trigger.kind == 'none':
                    continue
                if trigger.kind == 'callable':
                    events.append(('trigger', name, role, iteration))
                    fire = iteration in trigger.fires_at
                else:
                    fire = triggers.interval_fires(trigger.period, last_seen[name], iteration)
                    last_seen[name] = iteration
                if fire:
                    events.append(('call', name, iteration, before(False),
                                   _items(observation)))
                    if spec.reports:
                        observation[name] = iteration
                    if spec.raises_at == iteration and name not in raised_once:
                        raised_once.add(name)
                        failed = True
                        break
        if failed:
            events += [('on_error', name, True, True) for name, spec in order if spec.hooks]
        events += [('finalize', name) for name, spec in order if spec.hooks]
        events.append(('updater.finalize',))
        events.append(('raised', run, 'InjectedFailure', True) if failed else ('returned', run))
        done = not failed
    return events


def stop_iteration(period, unit, n, batch_size, start):
    """The iteration at which a fresh ``IntervalTrigger`` stop trigger,
    consulted before every update from iteration ``start``, first fires
    (each update advances at least ``1/n`` epoch, so ``period * n`` more
    updates always reach it)."""
    states = iterator.updater_states(n, batch_size, start + period * n)[start:]
    return states[triggers.interval_firings(period, unit, states).index(True)][0]
