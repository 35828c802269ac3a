"""Broken: ``extend(priority=0)`` is read as "not given" (``priority or ...``),
so the extension's own priority (or PRIORITY_READER) wins over an explicit 0."""
import reference
from reference import *  # NOQA
from reference.training import trainer as trainer_module

_extend = trainer_module.Trainer.extend


def extend(self, extension, name=None, trigger=None, priority=None, **kwargs):
    return _extend(self, extension, name=name, trigger=trigger, priority=priority or None,
                   **kwargs)


trainer_module.Trainer.extend = extend


def __getattr__(name):
    return getattr(reference, name)
