"""Broken: ``run`` takes the ``StopIteration`` of an exhausted iterator for
the end of training and returns normally instead of raising it."""
import reference
from reference import *  # NOQA

Trainer = reference.training.Trainer
_run = Trainer.run


def run(self, *args, **kwargs):
    try:
        return _run(self, *args, **kwargs)
    except StopIteration:
        return None


Trainer.run = run


def __getattr__(name):
    return getattr(reference, name)
