"""What Chainer's snapshots hold and how they load (SEMANTICS B11, C4, D7,
D9, E8, F6, H, I).

The layout of a trainer snapshot follows from the rules of each
``serialize`` method; loading converts a saved scalar to the type of the
target (refusing a dtype that does not cast safely to it), skips the keys
``ignore_names`` matches, and guesses a few keys older snapshots lack.
"""
import numpy

from conformance.models.update_rules import DEFAULTS, state_keys

_POSITION = {'previous_iteration': ('int64', ()), 'previous_epoch_detail': ('float64', ())}
#: What each built-in trigger's ``serialize`` writes (SEMANTICS C4, C6, C7, C11).
TRIGGER_KEYS = {
    'IntervalTrigger': _POSITION,
    'ManualScheduleTrigger': {**_POSITION, 'finished': ('bool', ())},
    'OnceTrigger': {'_flag_first': ('bool', ())},
}


def trainer_layout(scenario, scheduled):
    """``{key: (dtype, shape)}`` of a snapshot of the trainer a snapshot-family
    ``TrainingScenario`` builds, after at least one update; ``scheduled`` is
    the kind of trigger of the extension ``runners.round_trips.triggered_by``
    registers."""
    spec, out = scenario.optimizer, len(scenario.W)
    layout = {'_snapshot_elapsed_time': ('float64', ())}

    def trigger(prefix, kind='IntervalTrigger'):
        layout.update({f'{prefix}/{k}': v for k, v in TRIGGER_KEYS[kind].items()})
    trigger('stop_trigger')
    trigger('extension_triggers/scheduled', scheduled)
    names = []
    for shift in scenario.shifts:
        name, k = shift.kind, 0
        while name in names:                  # Trainer.extend's duplicate names
            k += 1
            name = f'{shift.kind}_{k}'
        names.append(name)
        trigger(f'extension_triggers/{name}')
        layout[f'extensions/{name}/_t'] = ('int64', ())
        if shift.kind == 'MultistepShift':
            layout[f'extensions/{name}/_current_step'] = ('int64', ())
        elif shift.kind != 'WarmupShift':
            layout[f'extensions/{name}/_last_value'] = ('float64', ())
    for index in range(len(scenario.recorders)):
        trigger(f'extension_triggers/record{index}')
    if scenario.mode != 'save_npz':
        trigger('extension_triggers/_Snapshot')
    trigger('extension_triggers/observe')
    prefix = 'updater/iterator:main/'
    layout.update({prefix + 'current_position': ('int64', ()), prefix + 'epoch': ('int64', ()),
                   prefix + 'is_new_epoch': ('bool', ()),
                   prefix + 'previous_epoch_detail': ('float64', ()),
                   'updater/iteration': ('int64', ()),
                   'updater/optimizer:main/t': ('int64', ()),
                   'updater/optimizer:main/epoch': ('int64', ())})
    if scenario.shuffle:
        layout[prefix + 'order'] = ('int64', (scenario.n,))
    hyper = {**DEFAULTS[spec.name], **spec.kwargs}
    for param, shape in (('l1/W', (out, 1)), ('l1/b', (out,))):
        layout[f'updater/model:main/{param}'] = ('float32', shape)
        layout[f'updater/optimizer:main/{param}/t'] = ('int64', ())
        if param not in spec.disabled:
            for key in state_keys(spec.name, hyper):
                layout[f'updater/optimizer:main/{param}/{key}'] = ('float32', shape)
    return layout


def observer_keys(log_every, iterations):
    """The keys that ``runners.round_trips.observers`` add to a snapshot
    after ``iterations`` updates: each extension's trigger; ``MicroAverage``'s
    sums (M4); ``LogReport``'s own trigger, log and summary, a ``Summary``
    (``_x``, ``_x2``, ``_n``) per key observed since it last fired: ``num``,
    ``den`` and ``ratio`` (J5, M1); ``PlotReport``'s ``_plot_<file name>``
    (M11)."""
    keys = {f'extension_triggers/{name}/{k}' for k in _POSITION
            for name in ('reported', 'MicroAverage', 'LogReport', 'PlotReport')}
    keys |= {f'extensions/LogReport/_trigger/{k}' for k in _POSITION}
    keys |= {'extensions/MicroAverage/_numerator', 'extensions/MicroAverage/_denominator',
             'extensions/LogReport/_log', 'extensions/LogReport/_summary/_names',
             'extensions/PlotReport/_plot_plot.png'}
    summaries = 0 if iterations % log_every == 0 else 3
    keys |= {f'extensions/LogReport/_summary/_summaries/{index}/{k}'
             for index in range(summaries) for k in ('_x', '_x2', '_n')}
    return keys


def scalar_load_refused(saved, target):
    """Chainer's safety check (SEMANTICS I3): numbers go into a scalar
    target only if their dtype casts safely to its type (any integer fits a
    Python int); ``None`` and ndarray targets take anything, and a saved
    ``None`` loads anywhere."""
    if saved is None or target is None or isinstance(target, numpy.ndarray):
        return False
    dtype = numpy.asarray(saved).dtype
    if not issubclass(dtype.type, numpy.number):
        return False
    if issubclass(dtype.type, numpy.integer) and type(target) is int:
        return False
    return not numpy.can_cast(dtype, type(target), casting='safe')


def ignored(key, entries):
    """Chainer's scan of ``ignore_names`` (an ``IgnoreSpec``'s entries) for
    ``key``: a full key equal to it or a callable true for it skips the
    key; an entry of no accepted type, once the scan reaches it, is a
    ValueError (returned here)."""
    for kind, value in entries:
        if kind == 'bad':
            return ValueError
        if (key == value) if kind == 'key' else key.startswith(value):
            return True
    return False


def guessed_on_load(key):
    """Keys whose absence Chainer's ``serialize`` methods make up for with a
    warning and a guess: trigger positions (C4) and the iterator's previous
    epoch detail (D7)."""
    return key.endswith(('/previous_iteration', '/previous_epoch_detail'))
