"""Turning a list of examples into batched arrays.

Chainer 7.8.1 ``chainer/dataset/convert.py`` (``concat_examples``).
"""
import numpy

from reference import backend


class Converter:
    """A converter that takes the device as a ``backend.Device`` (or None).

    Updaters pass a Device to these; a plain function converter is taken to
    be old-style and gets ``-1`` (host) or a GPU id instead.
    """

    def __call__(self, batch, device):
        raise NotImplementedError('Concrete class must implement __call__.')


class _FunctionConverter(Converter):
    """Wraps ``func(batch, device, ...)``; an int device argument becomes a Device."""

    def __init__(self, func):
        if not callable(func):
            raise TypeError('Can only wrap a callable. Actual: {}'.format(type(func)))
        self.base_callable = func

    def __call__(self, *args, **kwargs):
        if len(args) >= 2:
            args = list(args)
            args[1] = _device_or_none(args[1])
        elif 'device' in kwargs:
            kwargs['device'] = _device_or_none(kwargs['device'])
        return self.base_callable(*args, **kwargs)


def converter():
    """Decorator: turn ``func(batch, device)`` into a Converter (new-style)."""
    return _FunctionConverter


def call_converter(converter, batch, device):
    """Call ``converter`` as Chainer's updaters do (``device`` is a Device or None)."""
    if isinstance(converter, Converter) or device is None:
        return converter(batch, device)
    if device.xp is numpy:
        return converter(batch, -1)
    return converter(batch, device.device_id)


def _device_or_none(device):
    return None if device is None else backend.get_device(device)


def to_device(device, x):
    """Send ``x`` to ``device`` (a device specifier, e.g. -1 or 0); ``None`` leaves it."""
    device = _device_or_none(device)
    if device is None:
        return x
    return device.send(x)


@converter()
def concat_examples(batch, device=None, padding=None):
    """Stack examples along a new first axis.

    Examples may be arrays, tuples of arrays (giving a tuple) or dicts of
    arrays (giving a dict).  With ``padding``, arrays of different shapes are
    padded to the largest shape with that value.
    """
    if not batch:
        raise ValueError('batch is empty')
    first = batch[0]
    if isinstance(first, tuple):
        if not isinstance(padding, tuple):
            padding = [padding] * len(first)
        return tuple(
            to_device(device, _concat_arrays(
                [example[i] for example in batch], padding[i]))
            for i in range(len(first)))
    if isinstance(first, dict):
        if not isinstance(padding, dict):
            padding = {key: padding for key in first}
        return {
            key: to_device(device, _concat_arrays(
                [example[key] for example in batch], padding[key]))
            for key in first}
    return to_device(device, _concat_arrays(batch, padding))


def _concat_arrays(arrays, padding):
    if not isinstance(arrays[0], backend.get_array_types()):
        # Python scalars or lists: one NumPy array holding the whole batch.
        arrays = numpy.asarray(arrays)
    xp = backend.get_array_module(arrays[0])
    if padding is not None:
        return _concat_arrays_with_padding(xp, arrays, padding)
    return xp.concatenate([array[None] for array in arrays])


def _concat_arrays_with_padding(xp, arrays, padding):
    shape = numpy.array(arrays[0].shape, dtype=int)
    for array in arrays[1:]:
        numpy.maximum(shape, array.shape, shape)
    result = xp.full((len(arrays),) + tuple(shape), padding,
                     dtype=arrays[0].dtype)
    for i, array in enumerate(arrays):
        result[(i,) + tuple(slice(dim) for dim in array.shape)] = array
    return result
