"""Broken: ``report_scope(d)`` leaves the current reporter observing into
``d`` after the block."""
import contextlib

import reference
from reference import *  # NOQA
from reference import reporter as _module


@contextlib.contextmanager
def report_scope(observation):
    _module.get_current_reporter().observation = observation
    yield


_module.report_scope = report_scope


def __getattr__(name):
    if name == 'report_scope':
        return report_scope
    return getattr(reference, name)
