"""Broken: ``Evaluator`` warns about every iterator whose ``repeat`` is
true, not only Chainer's three iterator classes."""
import warnings

import reference
from reference import *  # NOQA

from reference.training.extensions import evaluator as _module

_init = _module.Evaluator.__init__


def __init__(self, iterator, target, *args, **kwargs):
    _init(self, iterator, target, *args, **kwargs)
    for key, it in self._iterators.items():
        if getattr(it, 'repeat', False) and not isinstance(it, (
                reference.iterators.SerialIterator, reference.iterators.MultithreadIterator,
                reference.iterators.MultiprocessIterator)):
            warnings.warn(f'The `repeat` property of the iterator {key} is set to `True`.')


_module.Evaluator.__init__ = __init__


def __getattr__(name):
    return getattr(reference, name)
