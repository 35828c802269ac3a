"""Broken: Summary.make_statistics returns the variance where Chainer
returns the standard deviation."""
import reference
from reference import *  # NOQA
from reference import reporter as _module


def make_statistics(self):
    mean = self._x / self._n
    return mean, self._x2 / self._n - mean * mean


_module.Summary.make_statistics = make_statistics


def __getattr__(name):
    return getattr(reference, name)
