"""Broken: ``copy('copy')`` shares the arrays, as ``'share'`` does, instead
of copying them deep."""
import reference
from reference import *  # NOQA

Link = reference.Link
_copy_link = Link.copy


def _shallow(self, mode='share'):
    return _copy_link(self, 'share' if mode == 'copy' else mode)


Link.copy = _shallow


def __getattr__(name):
    return getattr(reference, name)
