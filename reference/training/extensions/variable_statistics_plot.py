"""Plot how statistics of variables (or of links' parameters) evolve.

Chainer 7.8.1 ``chainer/training/extensions/variable_statistics_plot.py``.
Each call concatenates the flattened ``data`` (and ``grad``) of all target
variables, computes mean, std and percentiles, and keeps the result in a
reservoir sample of at most ``max_sample_size`` calls, indexed by iteration
(drawn with NumPy's global random state once full).  When the trigger fires,
the whole sample is plotted: one column per ``data``/``grad``, a row for
mean and std and a row for the percentile bands.  Like ``PlotReport`` it
needs matplotlib; without it every call warns and does nothing.
"""
import os
import warnings

import numpy

from reference import backend
from reference import variable
from reference.training import extension
from reference.training import util

_available = None


def _try_import_matplotlib():
    global matplotlib, _available, _plot_color, _plot_color_trans
    global _plot_common_kwargs
    try:
        import matplotlib
        _available = True
    except ImportError:
        _available = False
    if _available:
        # Note: Chainer falls back to ColorConverter for matplotlib 1.x
        # (chainer/training/extensions/variable_statistics_plot.py:_try_import_matplotlib@v7.8.1).
        _plot_color = matplotlib.colors.to_rgba('#1f77b4')  # C0
        _plot_color_trans = _plot_color[:3] + (0.2,)
        _plot_common_kwargs = {
            'alpha': 0.2, 'linewidth': 0, 'color': _plot_color_trans}


def _check_available():
    if _available is None:
        _try_import_matplotlib()
    if not _available:
        warnings.warn('matplotlib is not installed on your environment, '
                      'so nothing will be plotted at this time. '
                      'Please install matplotlib to plot figures.\n\n'
                      '  $ pip install matplotlib\n')


def _unpack_variables(x):
    """Variables of ``x``: itself, a link's params, or those of a list."""
    if isinstance(x, variable.Variable):
        return (x,)
    if hasattr(x, 'params'):  # a Link
        return tuple(x.params(include_uninit=True))
    if isinstance(x, (list, tuple)):
        return sum((_unpack_variables(item) for item in x), ())
    return ()


def _attribute(var, key):
    """``var.data`` (the reference's ``array``) or ``var.grad``."""
    return var.array if key == 'data' else getattr(var, key, None)


class Reservoir:
    """A uniform sample of at most ``size`` added items with their indices.

    Once full, item ``n`` (counting from 0) replaces a random slot with
    probability ``size / (n + 1)``.  An index of 0 or ``None`` is replaced
    by the item's count.
    """

    def __init__(self, size, data_shape, dtype=numpy.float32):
        self.size = size
        self.data = numpy.zeros((size,) + data_shape, dtype=dtype)
        self.idxs = numpy.zeros((size,), dtype=numpy.int32)
        self.counter = 0

    def add(self, x, idx=None):
        if self.counter < self.size:
            self.data[self.counter] = x
            self.idxs[self.counter] = idx or self.counter
        elif numpy.random.random() < self.size / float(self.counter + 1):
            slot = numpy.random.randint(self.size)
            self.data[slot] = x
            self.idxs[slot] = idx or self.counter
        self.counter += 1

    def get_data(self):
        """``(indices, data)`` of the kept items, sorted by index."""
        idxs = self.idxs[:min(self.counter, self.size)]
        order = numpy.argsort(idxs)
        return idxs[order], self.data[order]


class Statistician:
    """Mean, std and percentiles along ``axis``, as a dict."""

    def __init__(self, collect_mean, collect_std, percentile_sigmas):
        self.collect_mean = collect_mean
        self.collect_std = collect_std
        self.percentile_sigmas = percentile_sigmas

    def __call__(self, x, axis=0, dtype=None, xp=None):
        if axis is None:
            axis = tuple(range(x.ndim))
        elif not isinstance(axis, (tuple, list)):
            axis = axis,
        return self.collect(x, axis)

    def collect(self, x, axis):
        out = {}
        if self.collect_mean:
            out['mean'] = x.mean(axis=axis)
        if self.collect_std:
            out['std'] = x.std(axis=axis)
        if self.percentile_sigmas:
            out['percentile'] = backend.get_array_module(x).percentile(
                x, self.percentile_sigmas, axis=axis)
        return out


class VariableStatisticsPlot(extension.Extension):
    """Trainer extension plotting statistics of variables over iterations.

    Args:
        targets (Variable, Link or list of either): What to observe.
        max_sample_size (int): Size of the reservoir sample of calls.
        report_data (bool): Observe the variables' data.
        report_grad (bool): Observe the variables' gradients.
        plot_mean (bool): Compute and plot means.
        plot_std (bool): Compute and plot standard deviations.
        percentile_sigmas (float or tuple of floats): Percentiles to plot,
            in ``[0, 100]``.
        trigger: When to save the plot; a tuple goes to ``IntervalTrigger``.
        filename (str): Image file under ``trainer.out``; ``file_name`` is an
            alias.
        figsize (tuple of int): Matplotlib ``figsize``.
        marker (str): Matplotlib marker of the lines.
        grid (bool): Draw grids.
    """

    def __init__(self, targets, max_sample_size=1000,
                 report_data=True, report_grad=True,
                 plot_mean=True, plot_std=True,
                 percentile_sigmas=(
                     0, 0.13, 2.28, 15.87, 50, 84.13, 97.72, 99.87, 100),
                 trigger=(1, 'epoch'), filename='statistics.png',
                 figsize=None, marker=None, grid=True, **kwargs):
        # The documented default filename; Chainer's code has None, which
        # also means 'statistics.png' (or the file_name alias).
        if 'file_name' in kwargs:
            file_name = kwargs.pop('file_name')
            if filename is None or filename == 'statistics.png':
                filename = file_name
        extension.reject_unexpected_kwargs('__init__', kwargs)
        if filename is None:
            filename = 'statistics.png'

        self._vars = _unpack_variables(targets)
        if not self._vars:
            raise ValueError(
                'Need at least one variables for which to collect statistics.'
                '\nActual: 0 <= 0')
        if not any((plot_mean, plot_std, bool(percentile_sigmas))):
            raise ValueError('Nothing to plot')

        self._keys = []
        if report_data:
            self._keys.append('data')
        if report_grad:
            self._keys.append('grad')
        self._report_data = report_data
        self._report_grad = report_grad

        self._statistician = Statistician(
            collect_mean=plot_mean, collect_std=plot_std,
            percentile_sigmas=percentile_sigmas)
        self._plot_mean = plot_mean
        self._plot_std = plot_std
        self._plot_percentile = bool(percentile_sigmas)

        self._trigger = util.get_trigger(trigger)
        self._filename = filename
        self._figsize = figsize
        self._marker = marker
        self._grid = grid

        if not self._plot_percentile:
            n_percentile = 0
        elif isinstance(percentile_sigmas, (list, tuple)):
            n_percentile = len(percentile_sigmas)
        else:
            n_percentile = 1
        self._data_shape = (
            len(self._keys), int(plot_mean) + int(plot_std) + n_percentile)
        self._samples = Reservoir(max_sample_size, data_shape=self._data_shape)

    @staticmethod
    def available():
        """Whether matplotlib can be imported (warns when it cannot)."""
        _check_available()
        return _available

    def __call__(self, trainer):
        if not self.available():
            return
        import matplotlib.pyplot as plt

        xp = backend.get_array_module(self._vars[0].array)
        stats = xp.zeros(self._data_shape, dtype=xp.float32)
        for row, key in enumerate(self._keys):
            xs = [x.ravel() for x in (_attribute(var, key)
                                      for var in self._vars)
                  if x is not None]
            if xs:
                found = self._statistician(
                    xp.concatenate(xs, axis=0), axis=0, xp=xp)
                parts = [xp.atleast_1d(found[name]) for name, wanted in (
                    ('mean', self._plot_mean), ('std', self._plot_std),
                    ('percentile', self._plot_percentile)) if wanted]
                stats[row] = xp.concatenate(parts, axis=0)
        self._samples.add(backend.to_numpy(stats),
                          idx=trainer.updater.iteration)

        if self._trigger(trainer):
            self.save_plot_using_module(
                os.path.join(trainer.out, self._filename), plt)

    def save_plot_using_module(self, file_path, plt):
        """Draw the reservoir's sample and save it to ``file_path``."""
        nrows = int(self._plot_mean or self._plot_std) \
            + int(self._plot_percentile)
        ncols = len(self._keys)
        fig, axes = plt.subplots(
            nrows, ncols, figsize=self._figsize, sharex=True)
        axes = numpy.asarray(axes).reshape(nrows, ncols)

        idxs, data = self._samples.get_data()
        offset = int(self._plot_mean) + int(self._plot_std)
        n_percentile = data.shape[-1] - offset
        middle = n_percentile // 2
        odd = n_percentile % 2 == 1

        for col in range(ncols):
            row = 0
            ax = axes[row, col]
            ax.set_title(self._keys[col])
            if self._plot_mean and self._plot_std:
                ax.errorbar(
                    idxs, data[:, col, 0], data[:, col, 1],
                    color=_plot_color, ecolor=_plot_color_trans,
                    label='mean, std', marker=self._marker)
                row += 1
            elif self._plot_mean or self._plot_std:
                ax.plot(idxs, data[:, col, 0], color=_plot_color,
                        label='mean' if self._plot_mean else 'std',
                        marker=self._marker)
                row += 1

            if self._plot_percentile:
                ax = axes[row, col]
                # Bands between symmetric percentiles, outermost first; an
                # odd middle percentile is a line.
                for i in range(middle + 1):
                    if odd and i == middle:
                        ax.plot(idxs, data[:, col, offset + i],
                                color=_plot_color, label='percentile',
                                marker=self._marker)
                    else:
                        ax.fill_between(
                            idxs, data[:, col, offset + i],
                            data[:, col, -i - 1],
                            label='percentile' if i == middle
                            else '_nolegend_',
                            **_plot_common_kwargs)
                    ax.set_xlabel('iteration')

        for ax in axes.ravel():
            ax.legend()
            if self._grid:
                ax.grid()
                ax.set_axisbelow(True)
        fig.savefig(file_path)
        plt.close()
