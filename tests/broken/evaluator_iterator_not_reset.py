"""Broken: Evaluator forgets to reset its iterator between evaluations, so a
non-repeating iterator is empty from the second evaluation on."""
import reference
from reference import *  # NOQA

_Evaluator = reference.training.extensions.Evaluator
_evaluate = _Evaluator.evaluate


def evaluate(self):
    iterator = self._iterators["main"]
    reset = iterator.reset
    iterator.reset = lambda: None
    try:
        if not getattr(self, "_evaluated", False):
            reset()
        self._evaluated = True
        return _evaluate(self)
    finally:
        del iterator.reset


_Evaluator.evaluate = evaluate

def __getattr__(name):
    return getattr(reference, name)
