"""Broken: ``extend`` keeps the trigger's ``finished`` as it is when the
extension is registered, so a value set or changed before ``run`` is not
seen."""
import reference
from reference import *  # NOQA

Trainer = reference.training.Trainer
_extend = Trainer.extend


class _Snapshot:
    def __init__(self, trigger):
        self._trigger = trigger
        self.finished = getattr(trigger, 'finished', False)

    def __call__(self, trainer):
        return self._trigger(trainer)

    def __getattr__(self, name):
        return getattr(self._trigger, name)


def extend(self, extension, *args, **kwargs):
    _extend(self, extension, *args, **kwargs)
    entry = self._extensions[extension.name]
    entry.trigger = _Snapshot(entry.trigger)


Trainer.extend = extend


def __getattr__(name):
    return getattr(reference, name)
