"""Broken: VariableStatisticsPlot accepts ``figsize`` but draws its figure
at matplotlib's default size (held-out mutation seed 8)."""
import reference
from reference import *  # NOQA

from reference.training.extensions import variable_statistics_plot as _module

_init = _module.VariableStatisticsPlot.__init__


def __init__(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self._figsize = None


_module.VariableStatisticsPlot.__init__ = __init__


def __getattr__(name):
    return getattr(reference, name)
