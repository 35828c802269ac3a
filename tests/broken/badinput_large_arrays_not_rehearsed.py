"""Broken: ``load_npz`` skips the rehearsal of an object holding a large
array (as if a copy of it were too costly), so a load that fails there
half-loads it."""
import reference
from reference import *  # NOQA
from reference.serializers import npz as _npz

_rehearsal_copy = _npz._rehearsal_copy


def _copy_small_only(obj):
    return None if _npz._large_arrays(obj) else _rehearsal_copy(obj)


_npz._rehearsal_copy = _copy_small_only


def __getattr__(name):
    return getattr(reference, name)
