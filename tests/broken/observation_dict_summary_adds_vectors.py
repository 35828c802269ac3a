"""Broken: DictSummary.add accumulates a vector value (as its mean) where
Chainer leaves out what is not a scalar or a 0-d array."""
import numpy as _numpy

import reference
from reference import *  # NOQA
from reference import reporter as _module

_add = _module.DictSummary.add


def add(self, d):
    _add(self, {key: float(_numpy.mean(value)) if isinstance(value, _numpy.ndarray)
                and value.ndim == 1 else value for key, value in d.items()})


_module.DictSummary.add = add


def __getattr__(name):
    return getattr(reference, name)
