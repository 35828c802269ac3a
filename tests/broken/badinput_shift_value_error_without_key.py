"""Broken: a shift's saved ``_last_value`` that is not a single number fails
with NumPy's bare message (``can only convert an array of size 1 ...``),
naming neither the key nor the file: the reference's own bug until seed 11
of the seed sweep reached it."""
import numpy

import reference
from reference import *  # NOQA
from reference.training.extensions import _shift


def _scalar_of(serializer, key, array, as_saved):
    return numpy.asarray(array).item()


_shift._scalar_of = _scalar_of


def __getattr__(name):
    return getattr(reference, name)
