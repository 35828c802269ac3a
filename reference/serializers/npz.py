"""NPZ files: ``save_npz``, ``load_npz`` and the deserializer behind them.

Chainer 7.8.1 ``chainer/serializers/npz.py``.  A snapshot is a zip of
``.npy`` members, one per ``/``-joined key written by
``DictionarySerializer``.  Loading walks the target object's ``serialize``
and, for each key, converts the stored array to what the target holds:
arrays are overwritten in place, scalars are converted to the target's type,
``None`` targets receive the raw array.
"""
import collections.abc
import copy
import types
import warnings

import numpy

from reference import backend
from reference import serializer
from reference.serializers import _archive
from reference.serializers.dictionary import (  # NOQA
    DictionarySerializer, serialize)

_BAD_IGNORE_NAMES = (
    'ignore_names needs to be a callable, string or list of them.')


def _is_ignored(key, ignore_names):
    """Whether ``ignore_names`` (str, callable or a list of them) skips a key.

    A string must equal the full key.  A bad entry raises ``ValueError`` only
    when the scan reaches it, as in Chainer.
    """
    if not isinstance(ignore_names, (tuple, list)):
        ignore_names = (ignore_names,)
    for ignore_name in ignore_names:
        if isinstance(ignore_name, str):
            if key == ignore_name:
                return True
        elif callable(ignore_name):
            if ignore_name(key):
                return True
        else:
            raise ValueError(_BAD_IGNORE_NAMES)
    return False


# Note: the errors below add the key to the message Chainer (or NumPy) gives
# (chainer/serializers/npz.py:NpzDeserializer.__call__@v7.8.1).


def _copy_into(key, target, data):
    """``numpy.copyto``: same-kind casts, broadcasting; errors name the key."""
    try:
        numpy.copyto(target, data)
    except TypeError as exc:
        raise TypeError(f'cannot load {key!r}: {exc}') from exc
    except ValueError as exc:
        raise ValueError(
            f'cannot load {key!r}: saved shape {numpy.shape(data)}, target '
            f'shape {target.shape}: {exc}') from exc


def _copy_into_gpu(key, target, data):
    """CuPy targets take the data cast to their dtype, with the exact shape."""
    target.set(_check_gpu_load(key, target, data))


def _check_gpu_load(key, target, data):
    data = numpy.asarray(data, dtype=target.dtype)
    if data.shape != target.shape:
        raise ValueError(
            f'cannot load {key!r}: saved shape {data.shape}, target shape '
            f'{target.shape}')
    return data


def _convert_scalar(key, value, data):
    """``type(value)(data)``, refusing numeric casts that could lose values.

    An integer array always converts to a Python ``int`` (unbounded); any
    other numeric array must cast safely to the target type.
    """
    value_type = type(value)
    array = numpy.asarray(data)
    kind = array.dtype.type
    if (issubclass(kind, numpy.number)
            and not (issubclass(kind, numpy.integer) and value_type is int)
            and not numpy.can_cast(array.dtype, value_type, casting='safe')):
        raise TypeError(
            f'Cannot safely deserialize from numpy array with '
            f'dtype={array.dtype} into a variable of type {value_type} '
            f'(key {key!r}).')
    try:
        return value_type(array)
    except (TypeError, ValueError) as error:
        # Note: Chainer lets NumPy's message through without the key
        # (chainer/serializers/npz.py:NpzDeserializer.__call__@v7.8.1).
        raise type(error)(
            f'Cannot deserialize numpy array with dtype={array.dtype} and '
            f'shape={array.shape} into a variable of type {value_type} '
            f'(key {key!r}): {error}') from None


class NpzDeserializer(serializer.Deserializer):
    """Deserializer reading from an NPZ mapping ``{key: numpy.ndarray}``.

    Args:
        npz: The mapping (an opened NPZ file or a plain dict of arrays).
        path (str): Key prefix of this (child) deserializer.
        strict (bool): If ``True`` a missing key raises ``KeyError``;
            otherwise the value is left as it is.
        ignore_names: A full key, a callable ``key -> bool``, or a list or
            tuple of them; matching keys are left as they are.
    """

    def __init__(self, npz, path='', strict=True, ignore_names=None):
        self.npz = npz
        self.path = path
        self.strict = strict
        self.ignore_names = [] if ignore_names is None else ignore_names

    def __getitem__(self, key):
        return NpzDeserializer(
            self.npz, self.path + key.strip('/') + '/', strict=self.strict,
            ignore_names=self.ignore_names)

    def __call__(self, key, value):
        key = self.path + key.lstrip('/')
        if not self.strict and key not in self.npz:
            return value
        if _is_ignored(key, self.ignore_names):
            return value
        if key not in self.npz:
            # The message numpy's NpzFile gives, which Chainer lets through.
            raise KeyError(f'{key} is not a file in the archive')
        # Copying into a target (or converting to a scalar) keeps no reference
        # to the stored array, so it is read without the copy NpzFile makes.
        peek = getattr(self.npz, 'peek', None)
        data = self.npz[key] if value is None or peek is None else peek(key)
        if data[()] is None:
            return None
        if value is None:
            return data
        if isinstance(value, _StandIn):
            if not _copy_cannot_fail(value, data):
                _copy_into(key, value, data)  # raises what the load would
        elif isinstance(value, numpy.ndarray):
            _copy_into(key, value, data)
        elif isinstance(value, _DeviceArrayShape):
            _check_gpu_load(key, value, data)
        elif isinstance(value, backend.get_array_types()):  # CuPy
            _copy_into_gpu(key, value, data)
        else:
            value = _convert_scalar(key, value, data)
        return value


class _Members(collections.abc.Mapping):
    """Arrays read from an archive, handed out as fresh copies like NpzFile."""

    def __init__(self, arrays):
        self._arrays = arrays

    def __getitem__(self, key):
        return self._arrays[key].copy()

    def peek(self, key):
        """The stored array itself, for readers that only copy out of it."""
        return self._arrays[key]

    def __contains__(self, key):
        return key in self._arrays

    def __iter__(self):
        return iter(self._arrays)

    def __len__(self):
        return len(self._arrays)


def save_npz(file, obj, compression=True):
    """Save ``obj`` (or a ready ``{key: array}`` dict) to an NPZ file.

    Args:
        file: A path (``str``, opened here) or a writable binary file; other
            path-likes go to ``numpy.savez``, which appends ``.npz``.
        obj: An object with ``serialize``, or a dict written as it is.
        compression (bool): Deflate the members (``numpy.savez_compressed``).
    """
    if isinstance(file, str):
        with open(file, 'wb') as f:
            save_npz(f, obj, compression)
        return
    target = obj if isinstance(obj, dict) else serialize(obj)
    savez = numpy.savez_compressed if compression else numpy.savez
    savez(file, **target)


def load_npz(file, obj, path='', strict=True, ignore_names=None):
    """Load an NPZ file into ``obj``, all or nothing.

    Loading has two steps, so that a failure leaves ``obj`` exactly as it was:

    1. every member is read and checked first (``allow_pickle=False``);
    2. the state is loaded into a rehearsal copy of ``obj``, and only if that
       succeeds into ``obj`` itself, with Chainer's semantics: its arrays are
       updated in place.

    Why: ``serialize`` methods assign attributes as they go, so a load that
    fails half way (a missing key, a shape or dtype mismatch) would leave a
    trainer that mixes two states and trains on silently.  The rehearsal copy
    is cheap: the large arrays in ``obj``'s object graph are replaced in it
    by stand-ins of the same shape, dtype and writability that hold no data
    (see :func:`_rehearsal_copy`), and loading into a stand-in reads no data
    where the copy cannot fail (a safe cast to a shape the saved array
    broadcasts to), so the cost is that of copying the rest of the object
    graph.  Uncompressed members are decoded in place from a memory map of
    the file (their CRC checked in step 1), so that the one copy of a large
    array is the one into ``obj``.  An object that cannot be copied (one
    holding a stream or a lock, say) skips the rehearsal; it then keeps only
    the file-level guarantee of step 1.

    Args:
        file: A path or a binary file object.
        obj: The object whose ``serialize`` is run in the loading direction.
        path (str): Key prefix of the subtree to load, e.g.
            ``'updater/model:main/'`` to load a model from a trainer snapshot.
        strict (bool): Missing keys raise ``KeyError`` if ``True``.
        ignore_names: Keys to skip; see :class:`NpzDeserializer`.
    """
    # Note: Chainer unpickles with numpy.load(allow_pickle=True) and loads
    # straight into obj, so a failure can leave it half loaded
    # (chainer/serializers/npz.py:load_npz@v7.8.1).
    members = _Members(_archive.read_arrays(file))

    def load_into(target):
        NpzDeserializer(members, path=path, strict=strict,
                        ignore_names=ignore_names).load(target)

    rehearsal = _rehearsal_copy(obj)
    if rehearsal is not None:
        # The rehearsal's warnings (a trigger guessing a missing position)
        # would repeat the real load's: only the real load may warn.
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            load_into(rehearsal)
    load_into(obj)


# Arrays smaller than this are copied into the rehearsal for real, so that a
# ``serialize`` that looks at values (not only shapes) behaves as in the load.
_STAND_IN_MIN_SIZE = 1024


class _StandIn(numpy.ndarray):
    """Rehearsal stand-in for a large NumPy array (see :func:`_stand_in`)."""


def _copy_cannot_fail(target, data):
    """Whether ``numpy.copyto(target, data)`` succeeds whatever ``data`` holds.

    True for a safe numeric cast into a writable target of a shape ``data``
    broadcasts to: the rehearsal then skips the copy, whose cost is that of
    reading ``data``; otherwise it copies, and fails as the load would.
    """
    if not (target.flags.writeable and data.dtype.kind in 'biufc'
            and numpy.can_cast(data.dtype, target.dtype, casting='safe')):
        return False
    try:
        return numpy.broadcast_shapes(data.shape, target.shape) == target.shape
    except ValueError:
        return False


class _DeviceArrayShape:
    """Rehearsal stand-in for a large CuPy array: its shape and dtype only."""

    def __init__(self, array):
        self.shape, self.dtype = array.shape, array.dtype


def _large_arrays(obj):
    """The large arrays in ``obj``'s graph (attributes, lists, tuples, dicts), by id.

    Followed are the containers ``copy.deepcopy`` copies member by member;
    classes, functions and modules, which it shares, are not entered.
    """
    array_types = backend.get_array_types()
    found, seen, stack = {}, set(), [obj]
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, _SHARED_BY_DEEPCOPY):
            continue
        seen.add(id(item))
        if isinstance(item, array_types):
            if item.size >= _STAND_IN_MIN_SIZE and not item.dtype.hasobject:
                found[id(item)] = item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif hasattr(item, '__dict__'):
            stack.extend(vars(item).values())
    return found


_SHARED_BY_DEEPCOPY = (type, types.ModuleType, types.FunctionType,
                       types.BuiltinFunctionType, types.MethodType, str, bytes,
                       int, float, complex, bool, type(None))


def _stand_in(array):
    """An array of ``array``'s shape, dtype and writability whose elements share one slot.

    ``numpy.copyto`` into it checks casts and shapes exactly as into the real
    array, in time but not in memory proportional to its size; the
    deserializer skips that copy where it cannot fail.
    """
    if not isinstance(array, numpy.ndarray):
        return _DeviceArrayShape(array)
    slot = numpy.empty(1, dtype=array.dtype)
    return numpy.lib.stride_tricks.as_strided(
        slot, shape=array.shape, strides=(0,) * array.ndim,
        writeable=array.flags.writeable).view(_StandIn)


def _rehearsal_copy(obj):
    """A deep copy of ``obj`` with stand-ins for the large arrays it serializes; None if impossible."""
    try:
        large = _large_arrays(obj)
        memo = {key: _stand_in(array) for key, array in large.items()}
        # deepcopy keeps the originals of memo entries alive under id(memo).
        memo[id(memo)] = list(large.values())
        return copy.deepcopy(obj, memo)
    except Exception:  # not deep-copyable: no rehearsal possible
        return None
