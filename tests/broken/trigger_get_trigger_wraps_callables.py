"""Broken: ``get_trigger`` wraps a callable in a forwarding object instead of
returning it unchanged; the wrapper calls it and forwards every attribute
read (``finished``, ``serialize``), so only identity tells them apart."""
import reference
from reference import *  # NOQA
from reference.training import util

_get_trigger = util.get_trigger


class _Forwarding:
    def __init__(self, trigger):
        self._trigger = trigger

    def __call__(self, trainer):
        return self._trigger(trainer)

    def __getattr__(self, name):
        return getattr(self._trigger, name)


def get_trigger(trigger):
    return _Forwarding(trigger) if callable(trigger) else _get_trigger(trigger)


util.get_trigger = get_trigger
reference.training.get_trigger = get_trigger


def __getattr__(name):
    return getattr(reference, name)
