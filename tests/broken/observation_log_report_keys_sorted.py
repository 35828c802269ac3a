"""Broken: LogReport writes its means in sorted key order instead of the
order in which the keys were first observed."""
import reference
from reference import *  # NOQA

_LogReport = reference.training.extensions.LogReport
_call = _LogReport.__call__


def __call__(self, trainer):
    before = len(self._log)
    _call(self, trainer)
    if len(self._log) > before:
        entry = self._log[-1]
        tail = {k: entry.pop(k) for k in ("epoch", "iteration", "elapsed_time")}
        self._log[-1] = dict(sorted(entry.items()), **tail)


_LogReport.__call__ = __call__

def __getattr__(name):
    return getattr(reference, name)
