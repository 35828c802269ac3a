"""Broken: BestValueTrigger takes every interval mean as its new best, also
one that does not beat the best so far (it still fires only on a better one)."""
import reference
from reference import *  # NOQA
from reference.training.triggers import best_value_trigger as _module


def __call__(self, trainer):
    if self._key in trainer.observation:
        self._summary.add({self._key: trainer.observation[self._key]})
    if not self._interval_trigger(trainer):
        return False
    value = float(self._summary.compute_mean()[self._key])
    self._init_summary()
    fired = self._best_value is None or self._compare(self._best_value, value)
    self._best_value = value
    return fired


_module.BestValueTrigger.__call__ = __call__


def __getattr__(name):
    return getattr(reference, name)
