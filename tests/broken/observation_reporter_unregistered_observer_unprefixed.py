"""Broken: ``Reporter.report`` stores an unregistered observer's values
under their bare keys instead of raising ``KeyError``."""
import reference
from reference import *  # NOQA

from reference import reporter as _module

_report = _module.Reporter.report


def report(self, values, observer=None):
    if observer is not None and id(observer) not in self._observer_names:
        observer = None
    return _report(self, values, observer)


_module.Reporter.report = report


def __getattr__(name):
    return getattr(reference, name)
