"""Broken: a StepShift resumed after its first call sets the loaded value
back as the Python float the snapshot holds, not as the ``numpy.float64``
its schedule gives."""
import reference
from reference import *  # NOQA

StepShift = reference.training.extensions.StepShift


def _as_set(self, value):
    scheduled = self._value(self._t) if self._t > 1 else None
    return scheduled if scheduled == value else value


StepShift._as_set = _as_set


def __getattr__(name):
    return getattr(reference, name)
