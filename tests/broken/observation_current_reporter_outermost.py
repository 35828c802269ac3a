"""Broken: get_current_reporter returns the outermost active reporter, not
the innermost."""
import reference
from reference import *  # NOQA
from reference import reporter as _module


def get_current_reporter():
    return _module._reporter_stack()[0]


_module.get_current_reporter = get_current_reporter
get_current_reporter = get_current_reporter


def __getattr__(name):
    return getattr(reference, name)
