"""Array modules and devices: just enough to run the same code on NumPy or CuPy.

Chainer's ``backend`` also knows ChainerX and iDeep; the reference only needs
NumPy (always) and CuPy (when it is installed), so a device is either
``'@numpy'`` or ``'@cupy:<id>'``.
"""
import numpy

try:
    import cupy
except ImportError:  # CuPy is optional: every path below works without it.
    cupy = None


def _is_cupy_array(array):
    return cupy is not None and isinstance(array, cupy.ndarray)


def get_array_types():
    """The array classes a Variable may hold."""
    return (numpy.ndarray,) if cupy is None else (numpy.ndarray, cupy.ndarray)


def get_array_module(*arrays):
    """``cupy`` if any argument (array or Variable) lives on a GPU, else ``numpy``."""
    for array in arrays:
        array = getattr(array, 'array', array)  # unwrap a Variable
        if _is_cupy_array(array):
            return cupy
    return numpy


def to_numpy(array):
    """Copy ``array`` to host memory; NumPy arrays, scalars and None pass through."""
    if _is_cupy_array(array):
        return cupy.asnumpy(array)
    return array


to_host = to_numpy


class Device:
    """Where arrays live; ``xp`` computes there and ``send`` moves arrays there."""

    xp = None
    name = None

    def send(self, array):
        raise NotImplementedError

    def __eq__(self, other):
        return isinstance(other, Device) and self.name == other.name

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f'<{type(self).__name__} {self.name}>'


class CpuDevice(Device):
    """Host memory, computed on by NumPy."""

    xp = numpy
    name = '@numpy'

    def send(self, array):
        return to_numpy(array)


class GpuDevice(Device):
    """One CUDA device, computed on by CuPy."""

    def __init__(self, device_id=0):
        _check_cuda_available()
        self.device_id = int(device_id)
        self.name = f'@cupy:{self.device_id}'

    @property
    def xp(self):
        return cupy

    def send(self, array):
        if array is None:
            return None
        with cupy.cuda.Device(self.device_id):
            if _is_cupy_array(array) and array.device.id == self.device_id:
                return array
            return cupy.asarray(array)


def _check_cuda_available():
    if cupy is None:
        raise RuntimeError(
            'CUDA is not available: CuPy is not installed. '
            "Install CuPy or use the '@numpy' device.")


def get_device(device_spec):
    """Resolve a device specifier to a Device.

    Accepted, as by Chainer: a Device; an integer or a string of one (negative
    is the host, ``n >= 0`` is GPU ``n``, the pre-v6 convention); ``'@numpy'``;
    ``'@cupy:<id>'``; a ``cupy.cuda.Device``.  The reference has no iDeep and no
    ChainerX, so ``'@intel64'`` and specifiers without ``'@'`` are errors here.
    """
    if isinstance(device_spec, Device):
        return device_spec
    if isinstance(device_spec, (int, numpy.integer)):   # a bool too, as in Chainer
        return _from_integer(int(device_spec))
    if cupy is not None and isinstance(device_spec, cupy.cuda.Device):
        return GpuDevice(device_spec.id)
    if not isinstance(device_spec, str):
        raise TypeError(
            'Device specifier must be a backend.Device, cuda.Device,'
            ' integer or a string. Actual: {}'.format(type(device_spec)))
    try:
        return _from_integer(int(device_spec))
    except ValueError:
        pass
    if not device_spec.startswith('@'):
        # Note: Chainer reads these as ChainerX devices, which the reference
        # does not have (chainer/backend.py:get_device@v7.8.1).
        raise RuntimeError(
            f'Tried to parse ChainerX device specifier {device_spec!r}, but '
            "ChainerX is not available. Note that device specifiers without '@' "
            'prefix are assumed to be ChainerX device specifiers.')
    module, colon, detail = device_spec[1:].partition(':')
    if module == 'numpy' and not colon:
        return CpuDevice()
    if module == 'cupy' and colon:
        return GpuDevice(int(detail))
    if module == 'intel64' and not colon:
        raise RuntimeError("the reference has no iDeep: '@intel64' is not supported")
    raise ValueError(
        "Device specifiers starting with '@' must be followed by a module name "
        'and depending on the module, module specific precise device '
        f'specifiers. Actual: {device_spec}')


def _from_integer(device_id):
    return CpuDevice() if device_id < 0 else GpuDevice(device_id)


def get_gpu_device(device=None):
    """The GPU device for ``to_gpu(device)``: an id, or the current device if None."""
    _check_cuda_available()
    if device is None:
        device = cupy.cuda.Device().id
    return GpuDevice(getattr(device, 'id', device))


def get_device_from_array(array):
    """The device holding ``array`` (the host for anything that is not a CuPy array)."""
    if _is_cupy_array(array):
        return GpuDevice(array.device.id)
    return CpuDevice()
