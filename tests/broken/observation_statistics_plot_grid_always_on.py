"""Broken: VariableStatisticsPlot accepts ``grid`` but always draws the
grid."""
import reference
from reference import *  # NOQA

from reference.training.extensions import variable_statistics_plot as _module

_init = _module.VariableStatisticsPlot.__init__


def __init__(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self._grid = True


_module.VariableStatisticsPlot.__init__ = __init__


def __getattr__(name):
    return getattr(reference, name)
