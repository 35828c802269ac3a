"""Broken: VariableStatisticsPlot unpacks only the items of its top-level
list of targets; a list or tuple nested in it is skipped."""
import reference
from reference import *  # NOQA
from reference.training.extensions import variable_statistics_plot

_unpack = variable_statistics_plot._unpack_variables


def _unpack_one_level(x):
    if isinstance(x, (list, tuple)):
        return sum((_unpack(item) for item in x if not isinstance(item, (list, tuple))), ())
    return _unpack(x)


variable_statistics_plot._unpack_variables = _unpack_one_level

def __getattr__(name):
    return getattr(reference, name)
