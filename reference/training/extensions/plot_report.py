"""Plot per-interval means of observed values against epoch or iteration.

Chainer 7.8.1 ``chainer/training/extensions/plot_report.py``.  Like
``LogReport``, the extension averages the observation over the intervals of
its trigger (and at a call before training); at the end of each interval it
appends ``(x, mean)`` to the data of each ``y_keys`` entry that has a mean,
and redraws the whole figure into ``trainer.out``.  It needs matplotlib,
imported on first use; without it every use warns and nothing is plotted.
The backend is left to the user (``matplotlib.use('Agg')`` before the first
call).
"""
import json
import os
import warnings

import numpy

from reference import reporter
from reference import serializer as serializer_module
from reference.training import extension
from reference.training import util

_available = None


def _try_import_matplotlib():
    global matplotlib, _available
    try:
        import matplotlib  # NOQA
        _available = True
    except (ImportError, TypeError):
        _available = False


def _check_available():
    """Import matplotlib once; warn at every check while it is missing."""
    if _available is None:
        _try_import_matplotlib()
    if not _available:
        warnings.warn('matplotlib is not installed on your environment, '
                      'so nothing will be plotted at this time. '
                      'Please install matplotlib to plot figures.\n\n'
                      '  $ pip install matplotlib\n')


class PlotReport(extension.Extension):
    """Trainer extension saving a line plot of observed values.

    Args:
        y_keys (str or iterable of str): Keys plotted as y, one line each;
            ``None`` plots nothing.
        x_key (str): ``'iteration'``, ``'epoch'`` or another key of the
            per-interval means, plotted as x.
        trigger: When to close an interval and redraw; a tuple goes to
            ``IntervalTrigger``.  Distinct from the extension's trigger.
        postprocess: Called as ``postprocess(figure, axes, data)`` before a
            figure with data is saved; ``data`` maps each y key to its
            ``(x, y)`` points.
        filename (str): Image file under ``trainer.out``, a ``str.format``
            template filled with the interval's means, ``epoch`` and
            ``iteration``.  ``file_name`` is an alias.
        marker (str): Matplotlib marker of the points (``None``: none).
        grid (bool): Draw the axes grid.
    """

    # Note: where Chainer's code contradicts its documentation the reference
    # follows the documentation: y_keys=None plots nothing (Chainer's
    # __init__ fails iterating None), postprocess gets "all plot data"
    # (Chainer passes the interval's DictSummary), filename "can be a format
    # string" (Chainer uses it verbatim; the serialization key keeps the
    # template in both), and the signature says filename='plot.png'
    # (Chainer's code: None, meaning the same)
    # (chainer/training/extensions/plot_report.py:PlotReport@v7.8.1).
    def __init__(self, y_keys, x_key='iteration', trigger=(1, 'epoch'),
                 postprocess=None, filename='plot.png', marker='x',
                 grid=True, **kwargs):
        if 'file_name' in kwargs:
            file_name = kwargs.pop('file_name')
            if filename is None or filename == 'plot.png':
                filename = file_name
        extension.reject_unexpected_kwargs('__init__', kwargs)
        if filename is None:
            filename = 'plot.png'

        _check_available()

        if isinstance(y_keys, str):
            y_keys = (y_keys,)
        self._x_key = x_key
        self._y_keys = y_keys
        self._trigger = util.get_trigger(trigger)
        self._file_name = filename
        self._marker = marker
        self._grid = grid
        self._postprocess = postprocess
        self._init_summary()
        self._data = {key: [] for key in y_keys or ()}

    @staticmethod
    def available():
        """Whether matplotlib can be imported (warns when it cannot)."""
        _check_available()
        return _available

    def __call__(self, trainer):
        if not self.available():
            return
        # Imported here so that matplotlib.use() still works after the
        # extensions are imported.
        import matplotlib.pyplot as plt

        keys = self._y_keys or ()
        observation = trainer.observation
        if self._y_keys is None:
            self._summary.add(observation)
        else:
            self._summary.add({key: observation[key] for key in keys
                               if key in observation})

        if trainer.is_before_training or self._trigger(trainer):
            stats = {name: float(mean) for name, mean
                     in self._summary.compute_mean().items()}
            stats['epoch'] = trainer.updater.epoch
            stats['iteration'] = trainer.updater.iteration
            x = stats[self._x_key]
            for key in keys:
                if key in stats:
                    self._data[key].append((x, stats[key]))
            self._draw(plt, os.path.join(
                trainer.out, self._file_name.format(**stats)))
            plt.close()
            self._init_summary()

    def _draw(self, plt, path):
        """Plot every y key with points; save only a figure with data, its
        legend outside the axes on the right."""
        figure = plt.figure()
        axes = figure.add_subplot(111)
        axes.set_xlabel(self._x_key)
        if self._grid:
            axes.grid()
        for key in self._y_keys or ():
            if self._data[key]:
                xy = numpy.array(self._data[key])
                axes.plot(xy[:, 0], xy[:, 1], marker=self._marker, label=key)
        if axes.has_data():
            if self._postprocess is not None:
                self._postprocess(figure, axes, self._data)
            legend = axes.legend(bbox_to_anchor=(1.05, 1), loc=2,
                                 borderaxespad=0.)
            figure.savefig(path, bbox_extra_artists=(legend,),
                           bbox_inches='tight')

    def serialize(self, serializer):
        """The plotted points, as JSON under ``_plot_<filename>`` (points
        come back as lists); the summary and trigger are not saved."""
        key = '_plot_{}'.format(self._file_name)
        if isinstance(serializer, serializer_module.Serializer):
            serializer(key, json.dumps(self._data))
        else:
            self._data = json.loads(serializer(key, ''))

    def _init_summary(self):
        self._summary = reporter.DictSummary()
