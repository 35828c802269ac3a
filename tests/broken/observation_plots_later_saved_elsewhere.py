"""Broken: ``PlotReport`` and ``VariableStatisticsPlot`` save their first
figure where Chainer does, and every later one under another name."""
import os

import reference
from reference import *  # NOQA

_statistics = reference.training.extensions.VariableStatisticsPlot
_save = _statistics.save_plot_using_module


def _save_later_elsewhere(self, file_path, plt):
    saved = getattr(self, '_saved', 0)
    self._saved = saved + 1
    if saved:
        file_path = os.path.join(os.path.dirname(file_path),
                                 'other_' + os.path.basename(file_path))
    return _save(self, file_path, plt)


_statistics.save_plot_using_module = _save_later_elsewhere

_plot = reference.training.extensions.PlotReport
_draw = _plot._draw


def _draw_later_elsewhere(self, plt, path):
    drawn = getattr(self, '_drawn', 0)
    self._drawn = drawn + 1
    return _draw(self, plt, path + '.png' if drawn else path)


_plot._draw = _draw_later_elsewhere


def __getattr__(name):
    return getattr(reference, name)
