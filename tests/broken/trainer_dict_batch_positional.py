"""Broken: ``StandardUpdater`` passes a dict batch to the loss as one
positional argument instead of as keyword arguments."""
import reference
from reference import *  # NOQA

_StandardUpdater = reference.training.updaters.StandardUpdater


def _update_core(self):
    iterator = self.get_iterator('main')
    in_arrays = self.converter(iterator.next(), self.input_device)
    optimizer = self.get_optimizer('main')
    loss_func = self.loss_func or optimizer.target
    if isinstance(in_arrays, tuple):
        optimizer.update(loss_func, *in_arrays)
    else:
        optimizer.update(loss_func, in_arrays)
    if self.auto_new_epoch and iterator.is_new_epoch:
        optimizer.new_epoch(auto=True)


_StandardUpdater.update_core = _update_core


def __getattr__(name):
    return getattr(reference, name)
