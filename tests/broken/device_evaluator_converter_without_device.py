"""Broken: Evaluator calls its converter without its device (as if none
were given), so batches stay where the iterator made them."""
import reference
from reference import *  # NOQA
from reference.dataset import convert
from reference.training.extensions import evaluator as _module

_call_converter = convert.call_converter


class _Convert:
    """The module's ``convert``, whose ``call_converter`` drops the device."""

    def __getattr__(self, name):
        return getattr(convert, name)

    @staticmethod
    def call_converter(converter, batch, device):
        return _call_converter(converter, batch, None)


_module.convert = _Convert()


def __getattr__(name):
    return getattr(reference, name)
