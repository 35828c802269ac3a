"""Broken: ParameterStatistics leaves the link name out of its report keys."""
import reference
from reference import *  # NOQA

_ParameterStatistics = reference.training.extensions.ParameterStatistics
_call = _ParameterStatistics.__call__


class _Anonymous:
    def __init__(self, link):
        self._link = link
        self.name = ""

    def namedparams(self):
        for name, param in self._link.namedparams():
            yield name.lstrip("/"), param


def __call__(self, trainer):
    links = self._links
    self._links = [_Anonymous(link) for link in links]
    try:
        return _call(self, trainer)
    finally:
        self._links = links


_ParameterStatistics.__call__ = __call__

def __getattr__(name):
    return getattr(reference, name)
