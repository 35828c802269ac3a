"""Broken: VariableStatisticsPlot plots only the data by default
(``report_grad=False``) instead of a data and a grad column."""
import reference
from reference import *  # NOQA

_VariableStatisticsPlot = reference.training.extensions.VariableStatisticsPlot
_init = _VariableStatisticsPlot.__init__


def _init_data_only(self, targets, *args, report_grad=False, **kwargs):
    _init(self, targets, *args, report_grad=report_grad, **kwargs)


_VariableStatisticsPlot.__init__ = _init_data_only

def __getattr__(name):
    return getattr(reference, name)
