"""Broken: PlotReport calls postprocess with None in place of the figure
(held-out mutation seed 8)."""
import reference
from reference import *  # NOQA

_PlotReport = reference.training.extensions.PlotReport
_init = _PlotReport.__init__


def __init__(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    given = self._postprocess
    if given is not None:
        self._postprocess = lambda figure, axes, data: given(None, axes, data)


_PlotReport.__init__ = __init__


def __getattr__(name):
    return getattr(reference, name)
