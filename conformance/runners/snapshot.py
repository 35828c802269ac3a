"""Runners for the snapshot families: build what a scenario describes through
``ns``, train, save, load, and return plain host data.

A training run returns a ``Trace``: the event log and the trainer's final
serialized state.  Events are tuples:

- ``('update', i, hyper)``: the loss function of update ``i`` ran, with the
  hyperparameters that update uses (``hyper``: ``(owner, name, value)`` rows
  for the optimizer and for each parameter's update rule);
- ``('call', name, iteration)``: a recording extension was called;
- ``('after', iteration, hyper)``: the hyperparameters after every extension
  of that iteration ran (the last extension called each iteration).
"""
import dataclasses
import io
import os
import pickle
import tempfile
import threading
import zipfile

import numpy

from conformance import devices, harness

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
    optimizer = getattr(ns.optimizers, spec.name)(**spec.kwargs)
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


def build_trainer(ns, scenario, out, stop, *, extensions=(), autoload=False):
    """The scenario's trainer, stopping at ``stop``; ``extensions`` are
    callables ``(optimizer) -> extension`` registered after the shifts.  The
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

    iterator = ns.iterators.SerialIterator(
        harness.dataset(scenario.n), scenario.batch_size, shuffle=scenario.shuffle)
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
        trainer.extend(ns.training.extensions.snapshot(autoload=autoload),
                       trigger=(scenario.snapshot_at, 'iteration'))

    def observe(trainer):
        events.append(('after', trainer.updater.iteration, hyperparameters(optimizer, model)))
    trainer.extend(observe, name='observe', trigger=(1, 'iteration'), priority=-1000)
    return rig


# --- running ------------------------------------------------------------------

@dataclasses.dataclass
class Trace:
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
    return Trace(list(rig.events), state)


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


# --- round trips ----------------------------------------------------------------

def trained(ns, scenario, out_dir, iterations, *, extensions=()):
    """The scenario's rig after ``iterations`` updates (0: never run)."""
    rig = build_trainer(ns, scenario, fresh_dir(out_dir), iterations, extensions=extensions)
    if iterations:
        rig.trainer.run()
    return rig


def build_trigger(ns, spec):
    return getattr(ns.training.triggers, spec.kind)(*spec.args)


def triggered_by(trigger):
    """A maker (for ``extensions=``) of a no-op extension named
    ``scheduled`` that ``trigger`` drives."""
    def make(optimizer):
        def scheduled(trainer):
            pass
        scheduled.trigger = trigger
        return scheduled
    return make


def used_trigger(ns, spec, scenario, out_dir, iterations):
    """A trigger of ``spec`` after deciding ``iterations`` times for an
    extension of the scenario's trainer."""
    trigger = build_trigger(ns, spec)
    trained(ns, scenario, out_dir, iterations, extensions=(triggered_by(trigger),))
    return trigger


def build_iterator(ns, spec):
    return ns.iterators.SerialIterator(harness.dataset(spec.n), spec.batch_size,
                                       repeat=spec.repeat, shuffle=spec.shuffle)


def batches(iterator, count, stop_at_new_epoch):
    """Up to ``count`` more batches as lists of sample values; stops at the
    end of a non-repeating iterator, and (``stop_at_new_epoch``) before a
    batch that crosses into an epoch whose order is drawn anew."""
    seen = []
    for _ in range(count):
        if stop_at_new_epoch and iterator.current_position + iterator.batch_size >= len(
                iterator.dataset):
            break
        try:
            seen.append([float(x[0]) for x in iterator.next()])
        except StopIteration:
            seen.append('StopIteration')
            break
    return seen


def updated(ns, scenario, updates):
    """The scenario's model and optimizer after ``updates`` direct
    ``optimizer.update(loss, x)`` calls on batches of the dataset."""
    model = build_model(ns, scenario)
    optimizer = build_optimizer(ns, scenario.optimizer, model)
    for i in range(updates):
        step(ns, model, optimizer, i)
    return model, optimizer


def step(ns, model, optimizer, i):
    x = numpy.arange(i, i + 2, dtype=numpy.float32).reshape(2, 1)
    optimizer.update(loss_function(ns, model), x)


def save_and_load(ns, obj, fresh, out_dir):
    """Save ``obj`` with ``save_npz`` and load the file into ``fresh``;
    return ``obj``'s content as ``DictionarySerializer`` writes it."""
    saved = serialized(ns, obj)
    path = os.path.join(fresh_dir(out_dir), 'object.npz')
    ns.serializers.save_npz(path, obj)
    ns.serializers.load_npz(path, fresh)
    return saved


def round_trip(ns, obj, fresh, out_dir):
    """``save_and_load``, then the content of both."""
    saved = save_and_load(ns, obj, fresh, out_dir)
    return saved, serialized(ns, fresh)


def trainer_parts(ns, trainer, names):
    """What a trainer's snapshot holds of its updater, stop trigger and the
    extensions ``names``, read back through their own ``serialize``.

    (``Trainer.serialize`` itself cannot save a trainer that never ran:
    SEMANTICS B11.)"""
    parts = {}
    owners = [('updater/', trainer.updater), ('stop_trigger/', trainer.stop_trigger)]
    owners += [(f'extensions/{name}/', trainer.get_extension(name)) for name in names]
    for prefix, owner in owners:
        if hasattr(owner, 'serialize'):
            parts.update({prefix + k: v for k, v in serialized(ns, owner).items()})
    return parts


# --- records ------------------------------------------------------------------------

class Record:
    """A user's object whose ``serialize`` stores one value per key of
    ``values``, in sorted key order, through a child serializer for each
    ``/``-separated segment before the last."""

    def __init__(self, values):
        self.values = dict(values)

    def serialize(self, serializer):
        for key in sorted(self.values):
            *children, name = key.split('/')
            child = serializer
            for segment in children:
                child = child[segment]
            self.values[key] = child(name, self.values[key])


def build_record(values):
    """A ``Record`` of plain values; a pair becomes a float32 array."""
    return Record({k: numpy.array(v, dtype=numpy.float32) if isinstance(v, tuple) else v
                   for k, v in values.items()})


def record_content(record):
    """``{key: (type name, dtype or None, value as plain data)}``."""
    return {k: (type(v).__name__, str(v.dtype), v.tolist()) if isinstance(v, numpy.ndarray)
            else (type(v).__name__, None, v) for k, v in record.values.items()}


def ignore_names(spec):
    """The ``ignore_names`` argument an IgnoreSpec describes."""
    def entry(kind, value):
        if kind == 'prefix':
            return lambda key: key.startswith(value)
        return value       # a full key, or (kind 'bad') a value of no accepted type
    entries = [entry(*e) for e in spec.entries]
    if spec.form == 'single':
        return entries[0]
    return tuple(entries) if spec.form == 'tuple' else entries


def plain_array(value):
    """``(dtype, value as plain data)`` of an array."""
    value = numpy.asarray(value)
    return str(value.dtype), value.tolist()


class ArchiveReader:
    """A user's object that, when loaded, reads the whole file through the
    deserializer's ``npz`` mapping: ``(len, {key: plain_array})`` of the
    keys it iterates over and finds ``in`` it."""

    def __init__(self):
        self.seen = None

    def serialize(self, serializer):
        npz = serializer.npz
        self.seen = (len(npz), {k: plain_array(npz[k]) for k in npz if k in npz})


@dataclasses.dataclass
class RecordLoad:
    error: Exception       # what loading raised (None: it returned)
    content: dict          # record_content of the target after loading


def load_record(ns, spec, out_dir, *, via, dropped=(), **kwargs):
    """Save ``spec.saved`` as a record (with ``numpy.savez``, less those of
    the keys ``dropped`` it has) and load it into a record of ``spec.target`` with
    ``load_npz`` or ``NpzDeserializer`` (``via``), passing ``kwargs``."""
    content = serialized(ns, build_record(spec.saved))
    for key in dropped:
        content.pop(key, None)
    target = build_record(spec.target)
    error = None
    try:
        if via == 'load_npz':
            path = os.path.join(fresh_dir(out_dir), 'record.npz')
            numpy.savez(path, **content)
            ns.serializers.load_npz(path, target, **kwargs)
        else:
            ns.serializers.NpzDeserializer(content, **kwargs).load(target)
    except Exception as e:
        error = e
    return RecordLoad(error, record_content(target))


def load_handwritten(ns, spec, out_dir, unsuffixed):
    """Write ``spec.saved`` as a zip of ``.npy`` members by hand, the keys
    in ``unsuffixed`` without the ``.npy`` suffix, and ``load_npz`` it into
    a record of ``spec.target``; return that record's content."""
    path = os.path.join(fresh_dir(out_dir), 'record.npz')
    with zipfile.ZipFile(path, 'w') as archive:
        for key, value in build_record(spec.saved).values.items():
            buffer = io.BytesIO()
            numpy.lib.format.write_array(buffer, numpy.asarray(value))
            archive.writestr(key if key in unsuffixed else f'{key}.npy', buffer.getvalue())
    target = build_record(spec.target)
    ns.serializers.load_npz(path, target)
    return record_content(target)


@dataclasses.dataclass
class SavedRecord:
    members: dict          # member name -> zipfile compress type
    content: dict          # key -> array, read back with numpy.load
    loaded: dict           # record_content of a fresh record loaded from the file


def save_record(ns, spec, out_dir, *, to, as_dict, uncopyable=False, **kwargs):
    """``save_npz`` of a record of ``spec.saved`` (or, ``as_dict``, of the
    dict ``{key: numpy.asarray(value)}``) to a path or a ``BytesIO``
    (``to``), passing ``kwargs``; then ``load_npz`` from the same kind of
    file into a record of ``spec.target`` (that holds a lock, so that it
    cannot be deep-copied, if ``uncopyable``)."""
    record = build_record(spec.saved)
    obj = {k: numpy.asarray(v) for k, v in record.values.items()} if as_dict else record
    if to == 'path':
        path = os.path.join(fresh_dir(out_dir), 'record.npz')
        ns.serializers.save_npz(path, obj, **kwargs)
        with open(path, 'rb') as f:
            raw = f.read()
    else:
        stream = io.BytesIO()
        ns.serializers.save_npz(stream, obj, **kwargs)
        raw = stream.getvalue()
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        members = {info.filename: info.compress_type for info in archive.infolist()}
    with numpy.load(io.BytesIO(raw), allow_pickle=False) as f:
        content = {key: f[key] for key in f.files}
    fresh = build_record(spec.target)
    if uncopyable:
        fresh.lock = threading.Lock()
    ns.serializers.load_npz(path if to == 'path' else io.BytesIO(raw), fresh)
    return SavedRecord(members, content, record_content(fresh))


# --- comparing content ------------------------------------------------------------

def describe(value):
    array = numpy.asarray(value)
    if array.dtype == object:
        held = f' {array.item()!r}' if array.ndim == 0 else ''
        return f'object {array.shape}{held}'
    shown = array.item() if array.ndim == 0 else array.tolist()
    return f'{array.dtype} {array.shape} {shown!r}'


def same_content(a, b):
    a, b = numpy.asarray(a), numpy.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype == object:
        return a.tolist() == b.tolist()
    return a.tobytes() == b.tobytes()


def content_differences(expected, actual, limit=6):
    """Readable lines for the keys whose presence, dtype, shape or bytes differ."""
    lines = []
    for key in sorted(set(expected) | set(actual)):
        if key not in actual:
            lines.append(f'  {key}: missing (expected {describe(expected[key])})')
        elif key not in expected:
            lines.append(f'  {key}: unexpected key ({describe(actual[key])})')
        elif not same_content(expected[key], actual[key]):
            lines.append(f'  {key}: expected {describe(expected[key])}, '
                         f'got {describe(actual[key])}')
    if len(lines) > limit:
        lines = lines[:limit] + [f'  ... and {len(lines) - limit} more']
    return lines


def first_event_difference(expected, actual):
    """``(index, expected event or None, actual event or None)`` of the first
    differing event, or ``None`` when both logs are equal."""
    for index, (e, a) in enumerate(zip(expected, actual)):
        if e != a:
            return index, e, a
    if len(expected) != len(actual):
        index = min(len(expected), len(actual))
        return (index, expected[index] if index < len(expected) else None,
                actual[index] if index < len(actual) else None)
    return None


def hyper_differences(expected, actual):
    """``(owner, name, expected value, actual value)`` for differing rows."""
    e, a = ({(o, n): v for o, n, v in rows} for rows in (expected, actual))
    return [(o, n, e.get((o, n)), a.get((o, n)))
            for o, n in sorted(set(e) | set(a)) if e.get((o, n)) != a.get((o, n))]


def scalar_type_changes(full, resumed):
    """``(iteration, owner, name, uninterrupted type, resumed type)`` of each
    hyperparameter an update of the resumed run used with the uninterrupted
    run's value but another type (a NumPy scalar against a Python float)."""
    changes = []
    for e, a in zip(full.events, resumed.events):
        if e[0] != 'update' or a[0] != 'update' or e[1] != a[1]:
            continue
        theirs = {(o, n): v for o, n, v in a[2]}
        for owner, name, value in e[2]:
            other = theirs.get((owner, name))
            if other is not None and other == value and type(other) is not type(value):
                changes.append((e[1], owner, name, type(value).__name__,
                                type(other).__name__))
    return changes


def explain_resume_difference(full, resumed, resumed_at):
    """Plain words for the first way a resumed run differs from the
    uninterrupted one, or ``None`` when the traces are equal."""
    first = first_event_difference(full.events, resumed.events)
    if first is not None:
        _, expected, actual = first
        if (expected and actual and expected[0] == actual[0]
                and expected[0] in ('update', 'after') and expected[1] == actual[1]):
            return '\n'.join(_hyper_lines(expected, actual, resumed_at))
        return (f'after resuming at iteration {resumed_at} the event log differs: '
                f'uninterrupted training has {expected!r}, the resumed one has {actual!r}')
    lines = content_differences(full.state, resumed.state)
    if lines:
        return ('the final trainer state differs from uninterrupted training '
                '(expected: uninterrupted, got: resumed):\n' + '\n'.join(lines))
    return None


def _hyper_lines(expected, actual, resumed_at):
    kind, i = expected[0], expected[1]
    lines, differences = [], hyper_differences(expected[2], actual[2])
    inherited = {(n, e, a) for o, n, e, a in differences if o == 'optimizer'}
    for owner, name, e, a in differences:
        if owner != 'optimizer' and (name, e, a) in inherited:
            continue     # the rule inherits the optimizer's value
        what = name if owner == 'optimizer' else f'{name} (update rule of {owner})'
        if kind == 'update' and i == resumed_at + 1:
            lines.append(f'value of {what} not restored before the first update after '
                         f'resume: expected {e!r}, got {a!r} at iteration {i}')
        elif kind == 'update':
            lines.append(f'value of {what} used by update {i} (resumed at iteration '
                         f'{resumed_at}): expected {e!r}, got {a!r}')
        else:
            lines.append(f'value of {what} after iteration {i} (resumed at iteration '
                         f'{resumed_at}): expected {e!r}, got {a!r}')
    return lines


def target_types(ns, obj):
    """The values ``obj.serialize`` hands a deserializer, by key: what a
    loaded value is converted to (AbstractSerializer.__call__ docs)."""
    seen = {}

    class Probe(ns.Deserializer):
        def __init__(self, path=''):
            self.path = path

        def __getitem__(self, key):
            return Probe(self.path + key.strip('/') + '/')

        def __call__(self, key, value):
            seen[self.path + key.lstrip('/')] = value
            return value

    obj.serialize(Probe())
    return seen


def _castable(dtype, target):
    """Chainer's rule for loading a scalar (SEMANTICS I3): numbers must cast
    safely to the target's type; integers always fit a Python int."""
    if not issubclass(dtype.type, numpy.number):
        return True
    if issubclass(dtype.type, numpy.integer) and type(target) is int:
        return True
    return numpy.can_cast(dtype, type(target), casting='safe')


def explain_load_failure(ns, error, saved, fresh, what='extension'):
    """Plain words for why ``saved`` content could not be loaded into
    ``fresh``: a state whose type cannot hold the saved dtype, or the error."""
    reasons = []
    for key, target in sorted(target_types(ns, fresh).items()):
        value = saved.get(key)
        if value is None or target is None or isinstance(target, numpy.ndarray):
            continue
        if not _castable(numpy.asarray(value).dtype, target):
            reasons.append(f'{what} state {key!r} has type {type(target).__name__} and cannot '
                           f'be deserialized from {numpy.asarray(value).dtype}')
    reasons.append(f'loading the snapshot into a fresh {what} raised '
                   f'{type(error).__name__}: {error}')
    return '\n'.join(reasons)


# --- damaged files ------------------------------------------------------------------

TRIPPED = []


def tripwire(key):
    """What the crafted pickle calls when something unpickles it."""
    TRIPPED.append(key)
    return 0.5


class PicklePayload:
    """An object whose unpickling calls ``tripwire`` (harmless, observable)."""

    def __init__(self, key):
        self.key = key

    def __reduce__(self):
        return tripwire, (self.key,)


def npz_bytes(content, raw=None):
    """An npz file of ``content``; members named in ``raw`` get those bytes
    as their ``.npy`` file instead."""
    buffer = io.BytesIO()
    numpy.savez_compressed(buffer, **content)
    if not raw:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, \
            zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            key = info.filename[:-len('.npy')]
            target.writestr(info.filename, raw[key] if key in raw else source.read(info))
    return out.getvalue()


def object_npy(value, version, protocol):
    """An ``.npy`` member holding the 0-d object array of ``value``, in
    .npy format ``version``, pickled with ``protocol``."""
    array = numpy.array(value, dtype=object)
    buffer = io.BytesIO()
    numpy.lib.format.write_array(buffer, array, version=version, allow_pickle=True)
    member = buffer.getvalue()
    # NumPy pickles with protocol 3 (NumPy 1) or 4 (NumPy 2): cut that payload off.
    written = next(payload for payload in (pickle.dumps(array, protocol=p) for p in (3, 4, 2, 5))
                   if member.endswith(payload))
    return member[:-len(written)] + pickle.dumps(array, protocol=protocol)


# The pickle NumPy 2 writes for ``numpy.asarray(None)`` (Chainer's None
# marker): protocol 4, framed, naming ``numpy._core.multiarray``; the bytes
# ``numpy.save`` of NumPy 2.4.6 writes after the .npy header.
NUMPY2_NONE_PICKLE = (
    b'\x80\x04\x95\x87\x00\x00\x00\x00\x00\x00\x00\x8c\x16numpy._core.multiarray\x94'
    b'\x8c\x0c_reconstruct\x94\x93\x94\x8c\x05numpy\x94\x8c\x07ndarray\x94\x93\x94K\x00'
    b'\x85\x94C\x01b\x94\x87\x94R\x94(K\x01)h\x03\x8c\x05dtype\x94\x93\x94\x8c\x02O8\x94'
    b'\x89\x88\x87\x94R\x94(K\x03\x8c\x01|\x94NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK?t\x94'
    b'b\x89]\x94Nat\x94b.')


def numpy2_none_npy():
    """The ``.npy`` member NumPy 2 writes for a saved ``None``."""
    buffer = io.BytesIO()
    numpy.lib.format.write_array_header_1_0(
        buffer, {'descr': '|O', 'fortran_order': False, 'shape': ()})
    return buffer.getvalue() + NUMPY2_NONE_PICKLE


def load_member(ns, out_dir, member, target):
    """``load_npz`` of a file whose one key ``value`` holds the ``.npy``
    bytes ``member`` into an object holding ``target`` there; the value it
    holds afterwards."""
    holder = Record({'value': target})
    path = write(out_dir, 'member.npz', npz_bytes({'value': numpy.asarray(0)},
                                                  raw={'value': member}))
    ns.serializers.load_npz(path, holder)
    return holder.values['value']


def garbled_object_npy(length):
    """An ``.npy`` member of dtype object whose payload is not a pickle: the
    protocol marker, then bytes that are no pickle opcode."""
    buffer = io.BytesIO()
    numpy.lib.format.write_array_header_1_0(
        buffer, {'descr': '|O', 'fortran_order': False, 'shape': ()})
    return buffer.getvalue() + b'\x80\x03' + b'\xff' * length


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


def member_data_span(raw, key):
    """``(start, length)`` of the compressed bytes of ``key`` in npz ``raw``."""
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        info = z.getinfo(key + '.npy')
    header = raw[info.header_offset:info.header_offset + 30]
    name_length = int.from_bytes(header[26:28], 'little')
    extra_length = int.from_bytes(header[28:30], 'little')
    return info.header_offset + 30 + name_length + extra_length, info.compress_size


def wrong_shape(value):
    """A value whose shape no deserializer can take for ``value``: one more
    row than the target (never broadcastable), or 2 elements for a scalar."""
    value = numpy.asarray(value)
    if value.ndim == 0:
        return numpy.array([value, value])
    return numpy.concatenate([value, value[:1]])


def wrong_kind(value):
    """``value`` in a dtype kind it cannot be safely cast from."""
    value = numpy.asarray(value)
    if value.dtype.kind == 'f':
        return value.astype(numpy.complex128) + 1j
    return value.astype(numpy.float64) + 0.5


def damaged(raw, content, damage, keys=None):
    """The bytes of a snapshot file with ``damage`` applied, and the key it
    hits (``None`` for a truncation); the key is picked among ``keys``
    (default: all)."""
    keys = sorted(content if keys is None else keys)
    key = keys[damage.pick % len(keys)]
    if damage.kind == 'truncate':
        return raw[:int(len(raw) * damage.fraction)], None
    if damage.kind == 'corrupt':
        start, length = member_data_span(raw, key)
        bad = bytearray(raw)
        bad[start + int(length * damage.fraction)] ^= damage.mask
        return bytes(bad), key
    changed = dict(content)
    if damage.kind == 'drop':
        del changed[key]
    elif damage.kind == 'reshape':
        changed[key] = wrong_shape(content[key])
    elif damage.kind == 'retype':
        changed[key] = wrong_kind(content[key])
    elif damage.kind == 'pickle':
        return npz_bytes(changed, raw={key: object_npy(PicklePayload(key), damage.version,
                                                       damage.protocol)}), key
    elif damage.kind == 'text':
        changed[key] = numpy.asarray('x')
    elif damage.kind == 'garble':
        return npz_bytes(changed, raw={key: garbled_object_npy(1 + damage.pick % 8)}), key
    else:
        raise ValueError(f'unknown damage {damage.kind!r}')
    return npz_bytes(changed), key


def write(out_dir, name, data):
    path = os.path.join(fresh_dir(out_dir), name)
    with open(path, 'wb') as f:
        f.write(data)
    return path


def guessed_on_load(key):
    """Keys whose absence Chainer's ``serialize`` methods make up for with a
    warning and a guess: trigger positions (C4) and the iterator's previous
    epoch detail (D7)."""
    return key.endswith(('/previous_iteration', '/previous_epoch_detail'))


@dataclasses.dataclass
class LoadAttempt:
    path: str              # the damaged file
    key: str               # the key the damage hit (None: the whole file)
    error: Exception       # what load_npz raised (None: it returned)
    warned: list           # warning messages
    before: dict           # the target's content before loading
    after: dict            # ... after (None: it could not be serialized)
    saved: dict            # the content of the undamaged file
    unpickled: list        # keys whose pickle payload ran


def attempt_damaged_load(ns, case, out_dir, keys=None):
    """Save a trainer, damage the file as ``case.damage`` says, and load it
    into a trainer of the same scenario that trained a different number of
    iterations; ``keys`` restricts which keys the damage may hit."""
    source = trained(ns, case.scenario, out_dir, case.saved_at)
    target = trained(ns, case.scenario, out_dir, case.target_at)
    clean = os.path.join(source.out, 'clean.npz')
    ns.serializers.save_npz(clean, source.trainer)
    with open(clean, 'rb') as f:
        raw = f.read()
    content = read_npz(clean)
    data, key = damaged(raw, content, case.damage,
                        None if keys is None else [k for k in content if keys(k)])
    path = write(out_dir, 'snapshot_iter_damaged', data)
    before = serialized(ns, target.trainer)
    error = None
    TRIPPED.clear()
    with harness.issued_warnings() as caught:
        try:
            ns.serializers.load_npz(path, target.trainer)
        except Exception as e:
            error = e
    try:
        after = serialized(ns, target.trainer)
    except Exception:
        after = None
    return LoadAttempt(path, key, error, [str(w.message) for w in caught], before, after,
                       content, list(TRIPPED))


@dataclasses.dataclass
class LegacyTriggerLoad:
    warned: list           # warning messages of the load
    iteration: int         # the updater's position at the first call after it
    epoch_detail: float
    previous_epoch_detail: float
    fired: bool            # that call's decision
    finished: object       # the trigger's ``finished`` after it (None: no such attribute)


def legacy_trigger_load(ns, spec, scenario, out_dir, iterations):
    """A fresh trigger of ``spec`` loaded from a snapshot that lacks all its
    keys (an older format), then called once by a trainer that has trained
    ``iterations`` updates."""
    trigger = build_trigger(ns, spec)
    path = os.path.join(fresh_dir(out_dir), 'legacy.npz')
    numpy.savez(path)
    with harness.issued_warnings() as caught:
        ns.serializers.load_npz(path, trigger)
    trainer = trained(ns, scenario, out_dir, iterations).trainer
    updater = trainer.updater
    fired = trigger(trainer)
    return LegacyTriggerLoad([str(w.message) for w in caught], updater.iteration,
                             updater.epoch_detail, updater.previous_epoch_detail,
                             bool(fired), getattr(trigger, 'finished', None))
