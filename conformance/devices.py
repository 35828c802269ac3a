"""The device properties run on: ``--device=cpu``, ``gpu`` or ``gpu:N``.

Parameters, gradients and states are placed through the implementation's
own API (``to_device`` with Chainer's device specifiers ``'@numpy'`` and
``'@cupy:N'``); results are always compared on the host.
"""
import contextlib
import dataclasses
import re

import numpy

from conformance import errors

_SPEC = re.compile(r'^(cpu|gpu)(?::(\d+))?$')


class DeviceError(errors.UsageError, ValueError):
    """A ``--device`` value that names no usable device."""


@dataclasses.dataclass(frozen=True)
class Device:
    kind: str       # 'cpu' or 'gpu'
    index: int = 0

    @property
    def chainer_spec(self):
        """The specifier ``Link.to_device`` / ``Parameter.to_device`` take."""
        return '@numpy' if self.kind == 'cpu' else f'@cupy:{self.index}'

    @property
    def xp(self):
        if self.kind == 'cpu':
            return numpy
        import cupy
        return cupy

    def array(self, host_array):
        """A copy of ``host_array`` on this device."""
        if self.kind == 'cpu':
            return numpy.array(host_array)
        import cupy
        with cupy.cuda.Device(self.index):
            return cupy.array(host_array)

    def __str__(self):
        return self.kind if self.kind == 'cpu' else f'gpu:{self.index}'


CPU = Device('cpu')
_current = CPU


def current():
    """The device of this run (set once by the plugin from ``--device``).

    Runners read it here rather than taking it as an argument, as they read
    the namespace-independent settings of a run: it is the same for every
    property of a session.
    """
    return _current


def use(device):
    global _current
    _current = device


@contextlib.contextmanager
def using(device):
    """Run a block on ``device``; for the cross-device properties."""
    previous = _current
    use(device)
    try:
        yield
    finally:
        use(previous)


def place(link):
    """Move ``link`` to the run's device through the implementation's own
    ``to_device``; on the CPU nothing is called, as a fresh link is there."""
    if _current.kind != 'cpu':
        link.to_device(_current.chainer_spec)
    return link


def updater_device():
    """The ``device=`` argument for ``StandardUpdater``: None on the CPU."""
    return None if _current.kind == 'cpu' else _current.chainer_spec


def parse(text):
    """``'cpu'``, ``'gpu'`` or ``'gpu:N'`` -> Device; checks a GPU exists."""
    match = _SPEC.match(text or '')
    if match is None:
        raise DeviceError(f'--device={text}: expected cpu, gpu or gpu:N')
    kind, index = match.group(1), int(match.group(2) or 0)
    if kind == 'cpu':
        if match.group(2) is not None:
            raise DeviceError(f'--device={text}: the CPU takes no index')
        return Device('cpu')
    try:
        import cupy
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as e:  # no CuPy, no driver, no device
        raise DeviceError(f'--device={text} needs CuPy and a CUDA device: '
                          f'{type(e).__name__}: {e}') from None
    if index >= count:
        raise DeviceError(f'--device={text}: CuPy sees {count} CUDA device(s)')
    return Device('gpu', index)


def to_host(array):
    """A NumPy copy of a NumPy or CuPy array (or ``None``)."""
    if array is None:
        return None
    if hasattr(array, 'get'):
        return array.get()
    return numpy.array(array)
