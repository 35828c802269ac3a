"""Broken: ``load_npz`` reads a Fortran-order ``.npy`` member's data in C
order (the header's ``fortran_order`` is ignored)."""
import reference
from reference import *  # NOQA
from reference.serializers import _archive

_decode = _archive._decode_npy


def _decode_npy(raw):
    array = _decode(raw)
    if array is not None and array.ndim > 1 and not array.flags.c_contiguous:
        return array.ravel(order='F').reshape(array.shape)
    return array


_archive._decode_npy = _decode_npy


def __getattr__(name):
    return getattr(reference, name)
