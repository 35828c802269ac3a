"""Broken: VariableStatisticsPlot checks that it has something to plot
before it looks for variables, so targets without one over options that
plot nothing raise 'Nothing to plot' instead of Chainer's 'Need at least
one variables...'."""
import reference
from reference import *  # NOQA

_VariableStatisticsPlot = reference.training.extensions.VariableStatisticsPlot
_init = _VariableStatisticsPlot.__init__


def _init_plot_checked_first(self, targets, *args, plot_mean=True, plot_std=True,
                             percentile_sigmas=(0, 0.13, 2.28, 15.87, 50, 84.13, 97.72,
                                                99.87, 100), **kwargs):
    if not any((plot_mean, plot_std, bool(percentile_sigmas))):
        raise ValueError('Nothing to plot')
    _init(self, targets, *args, plot_mean=plot_mean, plot_std=plot_std,
          percentile_sigmas=percentile_sigmas, **kwargs)


_VariableStatisticsPlot.__init__ = _init_plot_checked_first

def __getattr__(name):
    return getattr(reference, name)
