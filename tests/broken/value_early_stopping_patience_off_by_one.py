"""Broken: EarlyStoppingTrigger stops only after patience + 1 checks without
improvement."""
import reference
from reference import *  # NOQA

from reference.training.triggers import early_stopping_trigger as _module


def _stop_condition(self):
    return self.count > self.patience


_module.EarlyStoppingTrigger._stop_condition = _stop_condition

def __getattr__(name):
    return getattr(reference, name)
