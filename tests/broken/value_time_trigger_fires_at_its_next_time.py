"""Broken: TimeTrigger fires when the elapsed time reaches its next time
(<=), not only once it is past it."""
import reference
from reference import *  # NOQA

_TimeTrigger = reference.training.triggers.TimeTrigger


def __call__(self, trainer):
    if self._next_time <= trainer.elapsed_time:
        self._next_time += self._period
        return True
    return False


_TimeTrigger.__call__ = __call__

def __getattr__(name):
    return getattr(reference, name)
