"""Broken: ``register_persistent`` on a parameter's name leaves it
registered as a parameter too."""
import reference
from reference import *  # NOQA


def _register_persistent(self, name):
    if not hasattr(self, name):
        raise AttributeError(
            'cannot register non-existent attribute %s as a persistent value' % name)
    self._persistent.add(name)


reference.Link.register_persistent = _register_persistent


def __getattr__(name):
    return getattr(reference, name)
