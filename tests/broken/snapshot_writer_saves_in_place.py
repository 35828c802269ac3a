"""Broken: the snapshot writers save straight to the final path, without a
temporary directory (a crash mid-write leaves a truncated snapshot)."""
import os

import reference
from reference import *  # NOQA

from reference.training.extensions import snapshot_writers


def save(self, filename, outdir, target, savefun, **kwds):
    savefun(os.path.join(outdir, filename), target, **kwds)
    self._post_save()


snapshot_writers.Writer.save = save

def __getattr__(name):
    return getattr(reference, name)
