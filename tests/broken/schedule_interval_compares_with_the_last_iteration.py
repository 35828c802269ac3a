"""Broken: after its first call IntervalTrigger forgets where it was called
and compares with the iteration (or epoch detail) just before the current
one, so a trigger asked only now and then misses the boundaries crossed
between two of its calls."""
import reference
from reference import *  # NOQA
from reference.training.triggers import interval_trigger


def _record(self, updater):
    self._previous_iteration = -1     # "unknown": the next call guesses iteration - 1
    self._previous_epoch_detail = -1.


interval_trigger.IntervalTrigger._record = _record


def __getattr__(name):
    return getattr(reference, name)
