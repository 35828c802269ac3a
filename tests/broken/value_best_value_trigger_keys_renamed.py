"""Broken: BestValueTrigger saves its interval trigger under ``trigger/``
instead of Chainer's ``interval_trigger/``: it resumes from its own files,
not from Chainer's."""
import reference
from reference import *  # NOQA

from reference.training.triggers import best_value_trigger as _module


def serialize(self, serializer):
    self._interval_trigger.serialize(serializer['trigger'])
    self._summary.serialize(serializer['summary'])
    self._best_value = serializer('best_value', self._best_value)


_module.BestValueTrigger.serialize = serialize

def __getattr__(name):
    return getattr(reference, name)
