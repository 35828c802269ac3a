"""Broken: a Parameter assigned to a link outside ``init_scope`` is
registered as if it were assigned inside."""
import reference
from reference import *  # NOQA

Link = reference.Link
_setattr = Link.__setattr__


def _register_always(self, name, value):
    if isinstance(value, reference.Parameter) and not self.within_init_scope:
        with self.init_scope():
            return _setattr(self, name, value)
    return _setattr(self, name, value)


Link.__setattr__ = _register_always


def __getattr__(name):
    return getattr(reference, name)
