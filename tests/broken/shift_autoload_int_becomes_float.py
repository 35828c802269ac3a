"""Broken: a load into an initialized shift (snapshot autoload) reads
``_last_value`` into ``float(current value)`` when the current value is an
int, so a saved int comes back as a float (the reference's own bug until the
mutation triage)."""
import numpy

import reference
from reference import *  # NOQA
from reference.training.extensions import _shift

_serialize = _shift.OptimizerShift.serialize


def _serialize_as_float(self, serializer):
    reloading = (self._initialized_by is not None
                 and isinstance(serializer, reference.Deserializer))
    if not reloading or type(getattr(self, '_last_value', None)) is not int:
        return _serialize(self, serializer)
    for key, _ in self._SAVED:
        value = serializer(key, float(getattr(self, key)) if key == '_last_value'
                           else getattr(self, key))
        setattr(self, key, value.item() if isinstance(value, numpy.ndarray) else value)
    self._start(self._get_optimizer(self._initialized_by))


_shift.OptimizerShift.serialize = _serialize_as_float


def __getattr__(name):
    return getattr(reference, name)
