"""Broken: ``save_npz`` ignores ``compression=False`` and always deflates."""
import reference
from reference import *  # NOQA

_save_npz = reference.serializers.save_npz


def _always_compressed(file, obj, compression=True):
    _save_npz(file, obj, True)


reference.serializers.save_npz = _always_compressed


def __getattr__(name):
    return getattr(reference, name)
