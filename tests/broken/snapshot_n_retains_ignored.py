"""Broken: snapshot ignores n_retains and keeps every file."""
import reference
from reference import *  # NOQA

from reference.training.extensions import _snapshot

_StaleSnapshotRemover = _snapshot._StaleSnapshotRemover


def __call__(self):
    pass


_StaleSnapshotRemover.__call__ = __call__

def __getattr__(name):
    return getattr(reference, name)
