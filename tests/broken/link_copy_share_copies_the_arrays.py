"""Broken: ``copy('share')`` gives each new parameter a copy of the array
instead of the original's array."""
import reference
from reference import *  # NOQA

Link = reference.Link
_copy_link = Link.copy


def _share_copies(self, mode='share'):
    ret = _copy_link(self, mode)
    if mode == 'share':
        d = ret.__dict__
        for name in ret._params:
            original = self.__dict__[name]
            if original.array is not None:
                param = reference.Parameter(original.array.copy())
                param.update_rule = original.update_rule
                d[name] = param
    return ret


Link.copy = _share_copies


def __getattr__(name):
    return getattr(reference, name)
