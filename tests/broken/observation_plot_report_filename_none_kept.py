"""Broken: ``PlotReport(filename=None)`` keeps None instead of the default
``plot.png`` (saving then fails)."""
import reference
from reference import *  # NOQA

from reference.training.extensions import plot_report as _module

_init = _module.PlotReport.__init__


def __init__(self, *args, **kwargs):
    none = 'filename' in kwargs and kwargs['filename'] is None
    _init(self, *args, **kwargs)
    if none:
        self._file_name = None


_module.PlotReport.__init__ = __init__


def __getattr__(name):
    return getattr(reference, name)
