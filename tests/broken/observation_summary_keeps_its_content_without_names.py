"""Broken: a DictSummary loaded from content without ``_names`` warns but
keeps what it held, instead of starting empty."""
import json
import warnings

import reference
from reference import *  # NOQA
from reference import reporter as _module
from reference import serializer as _serializer

_serialize = _module.DictSummary.serialize


def serialize(self, serializer):
    if isinstance(serializer, _serializer.Deserializer):
        try:
            serializer('_names', '')
        except KeyError:
            warnings.warn('The names of statistics are not saved.')
            return
    _serialize(self, serializer)


_module.DictSummary.serialize = serialize


def __getattr__(name):
    return getattr(reference, name)
