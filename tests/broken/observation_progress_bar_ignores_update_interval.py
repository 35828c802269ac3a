"""Broken: ProgressBar draws at every call, ignoring update_interval."""
import reference
from reference import *  # NOQA

_ProgressBar = reference.training.extensions.ProgressBar
_call = _ProgressBar.__call__


def __call__(self, trainer):
    self._update_interval = 1
    _call(self, trainer)


_ProgressBar.__call__ = __call__

def __getattr__(name):
    return getattr(reference, name)
