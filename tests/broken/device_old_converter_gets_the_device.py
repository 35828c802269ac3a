"""Broken: an old-style converter function gets the Device object, as a
``dataset.converter()`` one does, instead of ``-1`` (or a GPU id)."""
import reference
from reference import *  # NOQA
from reference.dataset import convert


def call_converter(converter, batch, device):
    return converter(batch, device)


convert.call_converter = call_converter


def __getattr__(name):
    return getattr(reference, name)
