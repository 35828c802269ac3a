"""Reading an NPZ archive into plain arrays without ever unpickling.

Chainer 7.8.1 opens snapshots with ``numpy.load(allow_pickle=True)``
(``chainer/serializers/npz.py``), so loading an untrusted snapshot can run
arbitrary code.  The reference reads every member with
``allow_pickle=False``.  The one pickled value Chainer itself writes is the
``None`` marker, a 0-d object array (``numpy.asarray(None)``); it is
recognised by comparing the pickle's opcodes, read statically with
``pickletools``, against those of NumPy's own pickle of that array.
"""
import io
import math
import os
import pickle
import pickletools
import zipfile
import zlib

import numpy
from numpy.lib import format as npy_format

_NPY_SUFFIX = '.npy'


def _pickle_opcodes(payload):
    """The opcodes and arguments of a pickle, parsed without executing it.

    Frame lengths are dropped and NumPy 2's private module spelling
    ``numpy._core`` is folded into ``numpy.core``, so the same array pickled
    by NumPy 1 (protocol 3) or NumPy 2 (protocol 4) compares equal to the
    template pickled here with the same protocol.
    """
    opcodes = []
    for opcode, arg, _ in pickletools.genops(payload):
        if opcode.name == 'FRAME':
            continue
        if isinstance(arg, str):
            arg = arg.replace('numpy._core.', 'numpy.core.')
        opcodes.append((opcode.name, arg))
    return tuple(opcodes)


# NumPy writes object arrays with protocol 3 (NumPy 1.17+) or 4 (NumPy 2);
# every protocol from 2 on is accepted.
_NONE_MARKER_PICKLES = frozenset(
    _pickle_opcodes(pickle.dumps(numpy.asarray(None), protocol=protocol))
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1))

_HEADER_READERS = {
    (1, 0): npy_format.read_array_header_1_0,
    (2, 0): npy_format.read_array_header_2_0,
}


def _is_none_marker(payload):
    try:
        return _pickle_opcodes(payload) in _NONE_MARKER_PICKLES
    except ValueError:  # not a well-formed pickle
        return False


def _decode_npy(raw):
    """The array held by one ``.npy`` member; ``None`` for Chainer's marker.

    The array is a read-only view of ``raw`` (no copy): readers copy out of it.
    """
    if not raw.startswith(npy_format.MAGIC_PREFIX):
        raise ValueError('not an .npy array (bad magic bytes)')
    stream = io.BytesIO(raw)
    read_header = _HEADER_READERS.get(npy_format.read_magic(stream))
    if read_header is None:  # a format version this reader does not parse
        return npy_format.read_array(io.BytesIO(raw), allow_pickle=False)
    shape, fortran_order, dtype = read_header(stream)
    if dtype.hasobject:
        if shape == () and _is_none_marker(stream.read()):
            return numpy.asarray(None)
        raise ValueError(
            'holds a pickled object array; the reference never unpickles '
            'and only recognises the None marker Chainer writes')
    count = math.prod(shape)
    offset = stream.tell()
    expected = count * dtype.itemsize
    if len(raw) - offset != expected:
        raise ValueError(
            f'array data of {len(raw) - offset} bytes, expected {expected} '
            f'for shape {shape} and dtype {dtype}')
    array = numpy.frombuffer(raw, dtype=dtype, count=count, offset=offset)
    if fortran_order:
        return array.reshape(shape[::-1]).transpose()
    return array.reshape(shape)


def read_arrays(file):
    """Every member of the NPZ ``file`` (path or binary file object) as a dict.

    Keys are member names without the ``.npy`` suffix, as ``numpy.load``
    gives them.  A corrupt archive raises the error Chainer would let
    through (``zipfile.BadZipFile``, ``zlib.error``, ...), of the same type
    but naming the file and the member, chained to the original.
    """
    where = os.fspath(file) if isinstance(file, (str, os.PathLike)) else (
        getattr(file, 'name', None) or repr(file))
    try:
        archive = zipfile.ZipFile(file)
    except zipfile.BadZipFile as exc:
        # Note: Chainer's message names neither file nor member
        # (chainer/serializers/npz.py:load_npz@v7.8.1).
        raise zipfile.BadZipFile(
            f'{where}: not a readable NPZ archive: {exc}') from exc
    arrays = {}
    with archive:
        for info in archive.infolist():
            name = info.filename
            key = name[:-len(_NPY_SUFFIX)] if name.endswith(
                _NPY_SUFFIX) else name
            try:
                arrays[key] = _decode_npy(archive.read(info))
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError,
                    ValueError) as exc:
                raise type(exc)(
                    f'{where}: member {name!r} (key {key!r}) cannot be '
                    f'read: {exc}') from exc
    return arrays
