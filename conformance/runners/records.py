"""Runners of the serializer properties: a user's object (a ``Record``)
with a few values under nested keys, or a ``Holder`` of one scalar, saved
and loaded through ``ns``'s serializers in every way a user may call them;
and the values an object's ``serialize`` hands a deserializer
(``target_types``), what a failed load is explained from.
"""
import dataclasses
import io
import os
import threading
import zipfile

import numpy

from conformance.runners.training import fresh_dir, serialized


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
    """A ``Record`` of plain values; a pair becomes a float32 array (an
    array stays as it is)."""
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


def load_handwritten(ns, spec, out_dir, unsuffixed=(), *, version=None,
                     compression=zipfile.ZIP_STORED):
    """Write ``spec.saved`` as a zip of ``.npy`` members by hand (``.npy``
    format ``version``, NumPy's choice if None; ``compression`` a zipfile
    method), the keys in ``unsuffixed`` without the ``.npy`` suffix, and
    ``load_npz`` it into a record of ``spec.target``; return that record's
    content.  Array values are written in their own memory order."""
    path = os.path.join(fresh_dir(out_dir), 'record.npz')
    with zipfile.ZipFile(path, 'w', compression) as archive:
        for key, value in build_record(spec.saved).values.items():
            buffer = io.BytesIO()
            numpy.lib.format.write_array(buffer, numpy.asarray(value), version=version)
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


class Holder:
    """A user's object whose state is one value under the key ``'value'``."""

    def __init__(self, value):
        self.value = value

    def serialize(self, serializer):
        self.value = serializer('value', self.value)


def load_scalar(ns, out_dir, saved, target):
    """``save_npz`` of a ``Holder`` of ``saved``, then ``load_npz`` into a
    ``Holder`` of ``target``: the value it holds afterwards (what loading
    raises propagates)."""
    path = os.path.join(fresh_dir(out_dir), 'scalar.npz')
    ns.serializers.save_npz(path, Holder(saved))
    holder = Holder(target)
    ns.serializers.load_npz(path, holder)
    return holder.value


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
