"""Broken: a ParameterStatistics statistic that returns an array of two
elements is reported under one key (and dropped by the summary) instead of
one key per element."""
import numpy

import reference
from reference import *  # NOQA
from reference import backend
from reference.training.extensions import parameter_statistics as _m


def _entries(self, key, function, values):
    if self._skip_nan_params and numpy.isnan(values).any():
        return {key: numpy.nan}
    value = function(values)
    if isinstance(value, backend.get_array_types()) and value.size > 2:
        return {f'{key}/{index}': element for index, element in enumerate(value)}
    return {key: value}


_m.ParameterStatistics._entries = _entries


def __getattr__(name):
    return getattr(reference, name)
