"""Broken: the Evaluator's progress bar refuses an iterator without a
position with its own wording, not Chainer's."""
import reference
from reference import *  # NOQA

from reference.training.extensions import evaluator as _module

_init = _module._IteratorProgressBar.__init__


def __init__(self, iterator, *args, **kwargs):
    if not (hasattr(iterator, 'current_position') and hasattr(iterator, 'epoch_detail')):
        raise TypeError('iterator lacks current_position or epoch_detail')
    _init(self, iterator, *args, **kwargs)


_module._IteratorProgressBar.__init__ = __init__


def __getattr__(name):
    return getattr(reference, name)
