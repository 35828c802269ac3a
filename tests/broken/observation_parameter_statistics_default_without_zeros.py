"""Broken: ParameterStatistics' default statistics lack ``zeros``."""
import reference
from reference import *  # NOQA

from reference.training.extensions import parameter_statistics as _module

_module.ParameterStatistics.default_statistics = {
    k: v for k, v in _module.ParameterStatistics.default_statistics.items() if k != 'zeros'}


def __getattr__(name):
    return getattr(reference, name)
