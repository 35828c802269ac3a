"""Broken: PrintReport pads its columns to max(8, len(entry)) instead of
max(10, len(entry))."""
import reference
from reference import *  # NOQA

_PrintReport = reference.training.extensions.PrintReport
_init = _PrintReport.__init__


def __init__(self, entries, *args, **kwargs):
    _init(self, entries, *args, **kwargs)
    widths = [max(8, len(e)) for e in entries]
    self._header = "  ".join(("{:%d}" % w).format(e) for e, w in zip(entries, widths)) + "\n"
    self._templates = [(e, "{:<%dg}  " % w, " " * (w + 2)) for e, w in zip(entries, widths)]


_PrintReport.__init__ = __init__

def __getattr__(name):
    return getattr(reference, name)
