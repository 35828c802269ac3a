"""Runners of the bad-input family: snapshot files damaged or crafted by
hand (truncated, corrupted, keys dropped or retyped, pickle payloads, the
``None`` NumPy 2 writes), loaded through ``ns``, and what loading them did.
"""
import dataclasses
import io
import os
import pickle
import zipfile

import numpy

from conformance import harness
from conformance.runners.records import Record
from conformance.runners.round_trips import build_trigger
from conformance.runners.training import fresh_dir, read_npz, serialized, trained


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
