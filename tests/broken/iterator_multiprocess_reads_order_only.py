"""Broken: MultiprocessIterator reads its order from ``order`` alone, so a
MultithreadIterator's snapshot (``_order``) cannot be loaded into it."""
import reference
from reference import *  # NOQA
from reference.iterators import multiprocess_iterator

_serialize = multiprocess_iterator.MultiprocessIterator.serialize


class _WithoutUnderscoreOrder:
    def __init__(self, serializer):
        self.serializer = serializer

    def __call__(self, key, value):
        if key == '_order':
            raise KeyError(key)
        return self.serializer(key, value)

    def __getattr__(self, name):
        return getattr(self.serializer, name)


def serialize(self, serializer):
    _serialize(self, _WithoutUnderscoreOrder(serializer))


multiprocess_iterator.MultiprocessIterator.serialize = serialize


def __getattr__(name):
    return getattr(reference, name)
