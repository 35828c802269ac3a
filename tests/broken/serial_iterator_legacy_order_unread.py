"""Broken: ``SerialIterator.serialize`` no longer falls back to the
``_order`` key of older snapshots, so loading one fails with KeyError."""
import reference
from reference import *  # NOQA

_serialize = reference.iterators.SerialIterator.serialize


class _WithoutLegacyOrder:
    """The serializer, except that ``'_order'`` is never found."""

    def __init__(self, serializer):
        self._serializer = serializer

    def __getitem__(self, key):
        return self._serializer[key]

    def __call__(self, key, value):
        if key == '_order':
            raise KeyError(key)
        return self._serializer(key, value)


def _serialize_without_legacy_order(self, serializer):
    _serialize(self, _WithoutLegacyOrder(serializer))


reference.iterators.SerialIterator.serialize = _serialize_without_legacy_order


def __getattr__(name):
    return getattr(reference, name)
