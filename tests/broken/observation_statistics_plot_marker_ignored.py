"""Broken: VariableStatisticsPlot accepts ``marker`` but draws its lines
without it."""
import reference
from reference import *  # NOQA

from reference.training.extensions import variable_statistics_plot as _module

_init = _module.VariableStatisticsPlot.__init__


def __init__(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self._marker = None


_module.VariableStatisticsPlot.__init__ = __init__

def __getattr__(name):
    return getattr(reference, name)
