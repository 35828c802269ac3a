"""Broken: ``snapshot(savefun=..., writer=...)`` uses the writer and drops
``savefun`` instead of refusing the pair."""
import reference
from reference import *  # NOQA

from reference.training import extensions as _extensions
from reference.training.extensions import _snapshot

_make = _snapshot.snapshot


def snapshot(savefun=None, filename='snapshot_iter_{.updater.iteration}', **kwargs):
    if kwargs.get('writer') is not None:
        savefun = None
    return _make(savefun, filename, **kwargs)


def snapshot_object(target, filename, savefun=None, **kwargs):
    return snapshot(savefun=savefun, filename=filename, target=target, **kwargs)


_extensions.snapshot = _snapshot.snapshot = snapshot
_extensions.snapshot_object = _snapshot.snapshot_object = snapshot_object


def __getattr__(name):
    return getattr(reference, name)
