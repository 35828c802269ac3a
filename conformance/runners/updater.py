"""The runner of the ``StandardUpdater`` properties: build the updater an
``UpdaterScenario`` describes through ``ns``, drive it with a trainer, save
it and load the save into a fresh one.
"""
import numpy

from conformance import devices, harness, namespace
from conformance.namespace import ImplementationLacks
from conformance.runners.trainer import items


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


def plain_arguments(value):
    """Arrays as nested lists, tuples and lists as lists, dicts as sorted
    ``(key, value)`` pairs: a loss argument as plain host data."""
    if isinstance(value, dict):
        return [(key, plain_arguments(value[key])) for key in sorted(value)]
    if isinstance(value, (tuple, list)):
        return [plain_arguments(v) for v in value]
    return devices.to_host(getattr(value, 'array', value)).tolist()


def _device_name(device):
    return None if device is None else harness.attribute(device, 'name', 'backend.Device.name')


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
        self.calls.append((who, plain_arguments(args), plain_arguments(kwargs)))
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
    updater = _standard_updater(ns, iterators if scenario.dicts else iterators['main'],
                                optimizers if scenario.dicts else optimizers['main'], **kwargs)
    return updater, iterators, optimizers


def _standard_updater(ns, iterator, optimizer, **kwargs):
    """``StandardUpdater(iterator, optimizer, **kwargs)``, where a device
    specifier (``'@numpy'``) refused by an implementation without Chainer's
    device API (``get_device``, Chainer 6) is a lack of that API: Chainer 5
    compares ``device >= 0`` and raises ``TypeError``."""
    try:
        return harness.call_with('training.updaters.StandardUpdater',
                                 ns.training.updaters.StandardUpdater, iterator, optimizer,
                                 **kwargs)
    except (TypeError, ValueError) as error:
        device = kwargs.get('device')
        if not isinstance(device, str) or not namespace.lacking(ns, ('get_device',)):
            raise
        raise ImplementationLacks(f'training.updaters.StandardUpdater(device={device!r}) '
                                  '(a device specifier; get_device is missing)') from error


def run_updater(ns, out, scenario, built=True):
    """Build the scenario's updater, run a trainer over it for
    ``iterations`` updates, save it and load the save into a fresh one.

    Returns a dict: ``calls`` ``(who, args, kwargs)`` per update (``who`` is
    ``'loss_func'`` or ``'model'``, the arguments as ``plain_arguments``
    gives them); ``converter_devices`` (``None`` or ``'device'`` per update,
    for the recording converter); ``steps`` ``(iteration, main optimizer's epoch,
    observation items)`` after each update; ``built``: the device names of
    the updater, its input and each model, ``auto_new_epoch``, each
    optimizer's ``use_auto_new_epoch``, whether ``get_iterator`` /
    ``get_optimizer`` / ``get_all_optimizers`` give the objects passed (the
    last also after clearing a dict it returned); ``finalized``: the
    iterators finalized by the run, in order; ``untouched``: the extra
    iterator's ``epoch_detail`` and optimizer's ``t`` after the run;
    ``saved``: the first component of each key ``serialize`` writes;
    ``restored``: ``iteration`` and each iterator's ``epoch_detail`` of a
    fresh updater loaded from the save.  ``built=False`` leaves ``built``
    out (None): only the properties that pin it read those attributes.
    """
    log, finalized = _UpdaterLog(ns), []
    updater, iterators, optimizers = _build_updater(ns, scenario, log, finalized)
    everything = updater.get_all_optimizers()
    listed = sorted((name, everything[name] is optimizers.get(name)) for name in everything)
    everything.clear()
    built = None if not built else {
        'device': _device_name(updater.device),
        'input_device': _device_name(harness.attribute(
            updater, 'input_device', 'training.updaters.StandardUpdater.input_device')),
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
