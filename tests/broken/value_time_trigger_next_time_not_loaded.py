"""Broken: TimeTrigger saves next_time but does not restore it on load, so
a resumed trigger starts its schedule over."""
import reference
from reference import *  # NOQA

_TimeTrigger = reference.training.triggers.TimeTrigger


def serialize(self, serializer):
    serializer('next_time', self._next_time)


_TimeTrigger.serialize = serialize

def __getattr__(name):
    return getattr(reference, name)
