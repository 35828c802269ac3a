"""Broken: ``MicroAverage`` saves its denominator under
``XX_denominatorXX``, not Chainer's ``_denominator``."""
import reference
from reference import *  # NOQA


def serialize(self, serializer):
    self._numerator = serializer('_numerator', self._numerator)
    self._denominator = serializer('XX_denominatorXX', self._denominator)


reference.training.extensions.MicroAverage.serialize = serialize


def __getattr__(name):
    return getattr(reference, name)
