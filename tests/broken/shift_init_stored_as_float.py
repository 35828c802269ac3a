"""Broken: the shifts with an ``init`` (Exponential, Polynomial, Step,
InverseShift) store it as ``float(init)``, so an int starting value is set
as a float and Python's int arithmetic on it is lost."""
import reference
from reference import *  # NOQA
from reference.training.extensions import _shift

_init = _shift.ScaledInitShift.__init__


def _float_init(self, attr, init, optimizer):
    _init(self, attr, None if init is None else float(init), optimizer)


_shift.ScaledInitShift.__init__ = _float_init


def __getattr__(name):
    return getattr(reference, name)
