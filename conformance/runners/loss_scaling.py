"""Play loss-scaling scenarios on an implementation and return plain traces.

Gradients come from ``optimizer.update(lossfun, ...)`` (or the updater's
``update()``), so the backward pass scales them.  An optimizer ``'pre'`` hook
registered first records the gradients as the backward pass left them,
before any rule unscales them.  Every array in a trace is a host copy.
"""

import numpy

from conformance import devices, harness
from conformance.runners import optim


class GradientRecorder:
    """Optimizer hook, called once per update, that records every gradient."""

    name = 'loss_scaling_recorder'
    call_for_each_param = False
    timing = 'pre'

    def __init__(self, params):
        self.params, self.log = params, []

    def __call__(self, optimizer):
        self.log.append({path: optim.grad_of(p) for path, p in self.params.items()})


def _configure(optimizer, method, argument):
    # Both are Chainer 6's: an optimizer without them lacks the feature.
    configure = harness.attribute(optimizer, method, f'Optimizer.{method}')
    if method == 'set_loss_scale':
        configure(argument)
    else:
        configure(**argument)


def factor_loss(ns, params, factors):
    """``lossfun()`` computing ``sum(a * factors['/a']) + sum(b * factors['/b'])``."""
    on_device = {path: devices.current().array(f) for path, f in factors.items()}

    def lossfun():
        a, b = (ns.functions.sum(params[path] * on_device[path]) for path in sorted(on_device))
        return a + b
    return lossfun


def run_schedule(ns, scenario):
    """One dict per update of a ``ScaleScheduleScenario``: ``seen`` (gradients
    after backward), ``grads`` and ``params`` after the update, each rule's
    ``t``, ``optimizer.t`` and ``warnings``, the ``(category, message)`` of
    every warning the update issued."""
    built = optim.Built(ns, scenario.tree, scenario.init)
    optimizer = ns.optimizers.SGD(lr=scenario.lr)
    optimizer.setup(built.root)
    recorder = GradientRecorder(built.params)
    optimizer.add_hook(recorder)
    steps = []
    for factors, calls in zip(scenario.factors, scenario.calls):
        for method, argument in calls:
            _configure(optimizer, method, argument)
        with harness.issued_warnings() as issued, \
                numpy.errstate(over='ignore', invalid='ignore'):
            optimizer.update(factor_loss(ns, built.params, factors))
        steps.append({
            'seen': recorder.log[-1], **_after_update(built), 'optimizer_t': optimizer.t,
            'warnings': [(w.category.__name__, str(w.message)) for w in issued]})
    return steps


def run_training(ns, scenario):
    """One dict per update of a ``ScaledTrainingScenario``: ``seen``, ``grads``,
    ``params`` and rule ``t`` as in ``run_schedule``; plus the updater's
    ``loss_scale`` attribute when a StandardUpdater drives the run."""
    built = optim.Built(ns, scenario.tree, scenario.init)
    optimizer = optim.make_optimizer(ns, scenario.optimizer, scenario.hyper)
    optimizer.setup(built.root)
    recorder = GradientRecorder(built.params)
    optimizer.add_hook(recorder)
    for hook in scenario.optimizer_hooks:
        optimizer.add_hook(optim.make_hook(ns, hook))
    for path, hooks in scenario.rule_hooks.items():
        for hook in hooks:
            built.rule(path).add_hook(optim.make_hook(ns, hook))

    def lossfun(x, t):
        y = ns.functions.linear(x, built.params['/W'], built.params['/b'])
        return ns.functions.mean_squared_error(y, t)

    update = _driver(ns, scenario, optimizer, lossfun)
    steps = []
    for x, t in scenario.batches:
        update(x, t)
        steps.append({'seen': recorder.log[-1], **_after_update(built)})
    trace = {'steps': steps}
    if hasattr(update, 'updater'):
        trace['updater.loss_scale'] = update.updater.loss_scale
    return trace


def _after_update(built):
    return {'grads': {path: optim.grad_of(p) for path, p in built.params.items()},
            'params': {path: devices.to_host(p.array) for path, p in built.params.items()},
            'rule_t': {path: p.update_rule.t for path, p in built.params.items()}}


def _driver(ns, scenario, optimizer, lossfun):
    """A callable ``(x, t)`` that runs one update the scenario's way."""
    if scenario.scale is not None and scenario.how == 'StandardUpdater':
        dataset = [(x[i], t[i]) for x, t in scenario.batches for i in range(len(x))]
        iterator = ns.iterators.SerialIterator(
            dataset, len(scenario.batches[0][0]), repeat=False, shuffle=False)
        updater = ns.training.updaters.StandardUpdater(
            iterator, optimizer, loss_func=lossfun, loss_scale=scenario.scale,
            device=devices.updater_device())

        def update(x, t):
            updater.update()
        update.updater = updater
        return update
    if scenario.scale is not None:
        _configure(optimizer, scenario.how,
                   scenario.scale if scenario.how == 'set_loss_scale'
                   else {'scale': scenario.scale})

    def update(x, t):
        device = devices.current()
        optimizer.update(lossfun, device.array(x), device.array(t))
    return update
