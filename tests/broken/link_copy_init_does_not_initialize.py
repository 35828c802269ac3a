"""Broken: ``copy('init')`` copies deep but does not regenerate the
parameters with their initializers."""
import reference
from reference import *  # NOQA

Link = reference.Link
_copy_link = Link.copy


def _no_init(self, mode='share'):
    return _copy_link(self, 'copy' if mode == 'init' else mode)


Link.copy = _no_init


def __getattr__(name):
    return getattr(reference, name)
