"""Broken: ``Evaluator.evaluate`` runs over a copy of its iterator even
when the iterator can reset, warning as for one without ``reset``."""
import copy

import reference
from reference import *  # NOQA

Evaluator = reference.training.extensions.Evaluator
_evaluate = Evaluator.evaluate


class _WithoutReset:
    """The iterator seen through a proxy that hides ``reset``."""

    def __init__(self, iterator):
        self.__dict__['_iterator'] = iterator

    def __getattr__(self, name):
        if name == 'reset':
            raise AttributeError(name)
        return getattr(self._iterator, name)

    def __copy__(self):
        return copy.copy(self._iterator)


def _copying(self):
    iterators = self._iterators
    self._iterators = {name: _WithoutReset(it) for name, it in iterators.items()}
    try:
        return _evaluate(self)
    finally:
        self._iterators = iterators


Evaluator.evaluate = _copying


def __getattr__(name):
    return getattr(reference, name)
