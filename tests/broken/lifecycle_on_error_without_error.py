"""Broken: every extension's ``on_error`` also runs when a run ends without
an error (just before its ``finalize``), as if the end were a failure."""
import reference
from reference import *  # NOQA

_run = reference.training.Trainer.run


def run(self, *args, **kwargs):
    _run(self, *args, **kwargs)
    for entry in self._extensions.values():
        handler = getattr(entry.extension, 'on_error', None)
        if handler:
            handler(self, None, None)


reference.training.Trainer.run = run


def __getattr__(name):
    return getattr(reference, name)
