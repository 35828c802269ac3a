"""Broken: ``Evaluator.get_all_targets`` returns the evaluator's own dict of
targets instead of a new one."""
import reference
from reference import *  # NOQA

Evaluator = reference.training.extensions.Evaluator
Evaluator.get_all_targets = lambda self: self._targets


def __getattr__(name):
    return getattr(reference, name)
