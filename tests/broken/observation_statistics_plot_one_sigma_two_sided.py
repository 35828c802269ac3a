"""Broken: VariableStatisticsPlot's default 1-sigma percentiles are those of
the two-sided tail (31.73 and 68.27) instead of 15.87 and 84.13."""
import reference
from reference import *  # NOQA
from reference.training.extensions import variable_statistics_plot

_Statistician = variable_statistics_plot.Statistician
_init = _Statistician.__init__
_TWO_SIDED = {15.87: 31.73, 84.13: 68.27}


def _init_two_sided(self, collect_mean, collect_std, percentile_sigmas):
    if isinstance(percentile_sigmas, (list, tuple)):
        percentile_sigmas = tuple(_TWO_SIDED.get(s, s) for s in percentile_sigmas)
    _init(self, collect_mean, collect_std, percentile_sigmas)


_Statistician.__init__ = _init_two_sided

def __getattr__(name):
    return getattr(reference, name)
