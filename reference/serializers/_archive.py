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
import mmap
import os
import pickle
import pickletools
import struct
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


def _header_bytes(raw):
    """The magic string and header of the ``.npy`` member ``raw``, as bytes.

    ``raw`` may be a memoryview of a mapped file: only the header is copied.
    """
    major = raw[6] if len(raw) > 6 else None
    if major == 1:
        end = 10 + int.from_bytes(raw[8:10], 'little')
    elif major in (2, 3):
        end = 12 + int.from_bytes(raw[8:12], 'little')
    else:
        end = len(raw)
    return bytes(raw[:end])


def _decode_npy(raw):
    """The array held by one ``.npy`` member; ``None`` for Chainer's marker.

    The array is a read-only view of ``raw`` (bytes or a memoryview; no
    copy): readers copy out of it.
    """
    if bytes(raw[:len(npy_format.MAGIC_PREFIX)]) != npy_format.MAGIC_PREFIX:
        raise ValueError('not an .npy array (bad magic bytes)')
    stream = io.BytesIO(_header_bytes(raw))
    read_header = _HEADER_READERS.get(npy_format.read_magic(stream))
    if read_header is None:  # a format version this reader does not parse
        return npy_format.read_array(io.BytesIO(bytes(raw)), allow_pickle=False)
    shape, fortran_order, dtype = read_header(stream)
    offset = stream.tell()
    if dtype.hasobject:
        if shape == () and _is_none_marker(bytes(raw[offset:])):
            return numpy.asarray(None)
        raise ValueError(
            'holds a pickled object array; the reference never unpickles '
            'and only recognises the None marker Chainer writes')
    count = math.prod(shape)
    expected = count * dtype.itemsize
    if len(raw) - offset != expected:
        raise ValueError(
            f'array data of {len(raw) - offset} bytes, expected {expected} '
            f'for shape {shape} and dtype {dtype}')
    array = numpy.frombuffer(raw, dtype=dtype, count=count, offset=offset)
    if fortran_order:
        return array.reshape(shape[::-1]).transpose()
    return array.reshape(shape)


def _mapping(file):
    """A read-only memory map of ``file`` (an open binary file); None if it has none.

    Why: ``numpy.savez`` stores members uncompressed, and reading a large
    member into a fresh buffer costs more than the load itself (every page
    of the buffer is faulted in): a stored member is decoded in place from
    the mapping instead, as ``numpy.load(mmap_mode=...)`` does for ``.npy``.
    """
    try:
        return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None  # not a regular file (BytesIO, a pipe, an empty file)


_LOCAL_HEADER = struct.Struct('<4s2B4HL2L2H')
_UNSUPPORTED_FLAGS = 0x1 | 0x20 | 0x40  # encrypted, patched, strong encryption


def _stored_member(mapping, info):
    """The bytes of the uncompressed member ``info`` as a view of ``mapping``.

    None where ``zipfile`` should read it (compressed, encrypted, or a local
    header that does not agree with the directory): it then raises its own
    errors.  A CRC mismatch raises ``zipfile``'s error.
    """
    if (mapping is None or info.compress_type != zipfile.ZIP_STORED
            or info.flag_bits & _UNSUPPORTED_FLAGS
            or info.compress_size != info.file_size):
        return None
    start = info.header_offset + _LOCAL_HEADER.size
    if start > len(mapping):
        return None
    header = _LOCAL_HEADER.unpack(mapping[info.header_offset:start])
    signature, flags, name_length, extra_length = (
        header[0], header[3], header[10], header[11])
    name = mapping[start:start + name_length].decode(
        'utf-8' if flags & 0x800 else 'cp437', errors='replace')
    start += name_length + extra_length
    if (signature != zipfile.stringFileHeader or name != info.orig_filename
            or start + info.file_size > len(mapping)):
        return None
    data = memoryview(mapping)[start:start + info.file_size]
    if zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile(f'Bad CRC-32 for file {info.filename!r}')
    return data


def read_arrays(file):
    """Every member of the NPZ ``file`` (path or binary file object) as a dict.

    Keys are member names without the ``.npy`` suffix, as ``numpy.load``
    gives them.  A corrupt archive raises the error Chainer would let
    through (``zipfile.BadZipFile``, ``zlib.error``, ...), of the same type
    but naming the file and the member, chained to the original.
    """
    if isinstance(file, (str, os.PathLike)):
        with open(file, 'rb') as opened:
            return _read_arrays(opened, os.fspath(file))
    return _read_arrays(file, getattr(file, 'name', None) or repr(file))


def _read_arrays(file, where):
    try:
        archive = zipfile.ZipFile(file)
    except zipfile.BadZipFile as exc:
        # Note: Chainer's message names neither file nor member
        # (chainer/serializers/npz.py:load_npz@v7.8.1).
        raise zipfile.BadZipFile(
            f'{where}: not a readable NPZ archive: {exc}') from exc
    arrays = {}
    with archive:
        mapping = _mapping(file)
        for info in archive.infolist():
            name = info.filename
            key = name[:-len(_NPY_SUFFIX)] if name.endswith(
                _NPY_SUFFIX) else name
            try:
                raw = _stored_member(mapping, info)
                arrays[key] = _decode_npy(
                    archive.read(info) if raw is None else raw)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError,
                    ValueError) as exc:
                raise type(exc)(
                    f'{where}: member {name!r} (key {key!r}) cannot be '
                    f'read: {exc}') from exc
    return arrays
