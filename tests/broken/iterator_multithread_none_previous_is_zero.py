"""Broken: a MultithreadIterator snapshot whose ``previous_epoch_detail``
is None (older Chainer's) loads as the start of the first epoch (0.0)
instead of no previous position."""
import reference
from reference import *  # NOQA

from reference.iterators import multithread_iterator as _module

_serialize = _module.MultithreadIterator.serialize


class _NoneAsZero:
    def __init__(self, inner):
        self.inner = inner

    def __getitem__(self, key):
        return self.inner[key]

    def __call__(self, key, value):
        got = self.inner(key, value)
        return 0. if key == 'previous_epoch_detail' and got is None else got


def serialize(self, serializer):
    _serialize(self, _NoneAsZero(serializer))


_module.MultithreadIterator.serialize = serialize


def __getattr__(name):
    return getattr(reference, name)
