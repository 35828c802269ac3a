"""Broken: PrintReport refuses a log_report of a wrong type with a
ValueError that names the value, not Chainer's TypeError naming its type."""
import reference
from reference import *  # NOQA
from reference.training.extensions import print_report as _module

_call = _module.PrintReport.__call__


def __call__(self, trainer):
    log_report = self._log_report
    if not isinstance(log_report, (str, reference.training.extensions.LogReport)):
        raise ValueError(f'log report has a wrong value {log_report!r}')
    return _call(self, trainer)


_module.PrintReport.__call__ = __call__


def __getattr__(name):
    return getattr(reference, name)
