"""Broken: ``is_new_epoch`` is never reset once an epoch has ended."""
import reference
from reference import *  # NOQA
from reference.iterators import serial_iterator

_next_state = serial_iterator.next_state


def next_state(state, batch_size, repeat, order_sampler, dataset_len):
    new, indices = _next_state(state, batch_size, repeat, order_sampler, dataset_len)
    return new._replace(is_new_epoch=new.is_new_epoch or state.is_new_epoch), indices


serial_iterator.next_state = next_state


def __getattr__(name):
    return getattr(reference, name)
