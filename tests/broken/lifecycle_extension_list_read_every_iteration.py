"""Broken: ``run`` reads the registered extensions afresh each time it walks
them, so an extension registered while running is initialized, called and
finalized in the run under way.

The reference's ``run`` sorts ``self._extensions.values()`` once with the
builtin ``sorted``; a module-level ``sorted`` shadowing it here returns a
live view instead of a list.
"""
import reference
from reference import *  # NOQA
from reference.training import trainer as trainer_module


class _LiveOrder:
    """Iterating it sorts the trainer's extensions as they are at that moment."""

    def __init__(self, values, key, reverse):
        self.values, self.key, self.reverse = values, key, reverse

    def __iter__(self):
        return iter(sorted(list(self.values), key=self.key, reverse=self.reverse))


trainer_module.sorted = _LiveOrder


def __getattr__(name):
    return getattr(reference, name)
