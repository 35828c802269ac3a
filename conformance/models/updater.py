"""What ``StandardUpdater`` keeps and what its update hands the loss
(chainer/training/updaters/standard_updater.py:StandardUpdater@v7.8.1;
SEMANTICS D1, D2, D9).

Both models take an ``UpdaterScenario`` and give the parts of
``runners.updater.run_updater``'s trace they are about.
"""
from conformance import devices
from conformance.models.iterator import updater_states


def loss_arguments(scenario, batch):
    """``(args, kwargs)`` of the loss for a batch of example indices, as
    ``runners.updater.plain_arguments`` renders them: component ``c`` of
    example ``i`` is ``[i, c]``.  ``concat_examples`` stacks an array batch
    into one argument, a tuple batch into positional arguments and a dict
    batch into keyword arguments; a converter returning the list of
    examples gives one argument, that list."""
    width = 1 if scenario.example == 'array' else scenario.width
    if scenario.converter == 'list':
        def one(i):
            if scenario.example == 'array':
                return [i, 0]
            if scenario.example == 'tuple':
                return [[i, c] for c in range(width)]
            return [(f'k{c}', [i, c]) for c in range(width)]
        return [[one(i) for i in batch]], []
    stacked = [[[i, c] for i in batch] for c in range(width)]
    if scenario.example == 'dict':
        return [], [(f'k{c}', stacked[c]) for c in range(width)]
    return stacked, []


def updater_run(scenario):
    """What the loss sees, what the recording converter gets as device, and
    ``(iteration, optimizer.epoch, observation)`` after each update; then
    ``iteration`` and each iterator's ``epoch_detail`` loaded into a fresh
    updater from a save of this one."""
    states = updater_states(scenario.n, scenario.batch_size, scenario.iterations)
    names = ('main', 'extra') if scenario.dicts else ('main',)
    who = 'model' if scenario.loss == 'model' else 'loss_func'
    auto = scenario.auto_new_epoch is not False
    calls, steps = [], []
    for iteration, _, _, _, _, optimizer_epoch, batch in states[1:]:
        calls.append((who, *loss_arguments(scenario, batch)))
        observation = sorted([(f'{name}/loss', iteration) for name in names]
                             + [(f'{name}/part/count', iteration) for name in names])
        steps.append((iteration, optimizer_epoch if auto else 0, tuple(observation)))
    has_device = scenario.device or scenario.input_device
    converter_devices = ([('device' if has_device else None)] * scenario.iterations
                         if scenario.converter == 'recording' else [])
    restored = (scenario.iterations,
                {name: states[-1][2] if name == 'main' else 0.0 for name in names})
    return {'calls': calls, 'converter_devices': converter_devices, 'steps': steps,
            'restored': restored}


def updater_wiring(scenario):
    """What ``StandardUpdater(...)`` keeps: the devices (``input_device``
    falls back to ``device``; every optimizer's target is sent to
    ``device``), ``auto_new_epoch`` (default True, copied to each
    optimizer's ``use_auto_new_epoch``), the objects by name (one iterator
    or optimizer is named ``'main'``; ``get_all_optimizers`` returns a new
    dict); the run finalizes every iterator; only ``'main'`` is used; the
    save holds ``iterator:<name>``, ``optimizer:<name>``, ``model:<name>``
    and ``iteration``."""
    spec = devices.current().chainer_spec
    names = ('main', 'extra') if scenario.dicts else ('main',)
    auto = scenario.auto_new_epoch is not False
    built = {
        'device': spec if scenario.device else None,
        'input_device': spec if scenario.device or scenario.input_device else None,
        'model_devices': {name: spec if scenario.device else '@numpy' for name in names},
        'auto_new_epoch': auto,
        'use_auto_new_epoch': {name: auto for name in names},
        'get_iterator': {name: True for name in names},
        'get_optimizer': {name: True for name in names},
        'get_all_optimizers': [(name, True) for name in sorted(names)],
        'get_all_optimizers again': sorted(names),
    }
    saved = sorted([f'{kind}:{name}' for kind in ('iterator', 'optimizer', 'model')
                    for name in names] + ['iteration'])
    return {'built': built, 'finalized': list(names),
            'untouched': (0.0, 0) if scenario.dicts else None, 'saved': saved}
