"""Broken: ``snapshot_object`` ignores its target and saves the trainer."""
import reference
from reference import *  # NOQA

from reference.training import extensions as _extensions
from reference.training.extensions import _snapshot


def snapshot_object(target, filename, savefun=None, **kwargs):
    return _snapshot.snapshot(savefun=savefun, filename=filename, **kwargs)


_extensions.snapshot_object = _snapshot.snapshot_object = snapshot_object


def __getattr__(name):
    return getattr(reference, name)
