"""Broken: Evaluator runs its evaluation with config.train left True."""
import reference
from reference import *  # NOQA

_Evaluator = reference.training.extensions.Evaluator
_evaluate = _Evaluator.evaluate


def evaluate(self):
    with reference.using_config("train", True):
        return _evaluate(self)


_Evaluator.evaluate = evaluate

def __getattr__(name):
    return getattr(reference, name)
