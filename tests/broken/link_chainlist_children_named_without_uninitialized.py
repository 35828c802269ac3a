"""Broken: ``ChainList.namedparams`` asks its children for their
initialized parameters only, whatever ``include_uninit`` says."""
import reference
from reference import *  # NOQA

ChainList = reference.ChainList
_link_namedparams = reference.Link.namedparams


def _namedparams(self, include_uninit=True):
    yield from _link_namedparams(self, include_uninit)
    for index, child in enumerate(self._children):
        for path, param in child.namedparams(False):
            yield '/%d' % index + path, param


ChainList.namedparams = _namedparams


def __getattr__(name):
    return getattr(reference, name)
