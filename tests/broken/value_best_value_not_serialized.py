"""Broken: BestValueTrigger saves its interval trigger and summary but not
its best value, so a resumed trigger starts without one."""
import reference
from reference import *  # NOQA

from reference.training.triggers import best_value_trigger as _module


def serialize(self, serializer):
    self._interval_trigger.serialize(serializer["interval_trigger"])
    self._summary.serialize(serializer["summary"])


_module.BestValueTrigger.serialize = serialize

def __getattr__(name):
    return getattr(reference, name)
