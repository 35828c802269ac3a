"""Import the installed Chainer 7.8.1, applying only the shims it needs here.

Chainer 7.8.1 predates NumPy 2 and Python 3.12.  Each shim below restores a
name that Chainer *imports or reads*; none changes a value Chainer computes,
so the semantics under test are Chainer's own.  The run header lists the shims
that were applied (see ``APPLIED``).
"""
import importlib.util
import sys
import types

import numpy

APPLIED = []


def _shim_numpy_sctypes():
    """S1: NumPy 2 removed ``numpy.sctypes``; Chainer reads it at import time.

    Chainer uses the dict only to map item sizes to integer dtypes and to list
    float dtypes (``functions/array/as_strided.py``); the NumPy 1.x content is
    rebuilt from the same scalar types, so no computed value changes.
    """
    if hasattr(numpy, 'sctypes'):
        return
    numpy.sctypes = {
        'int': [numpy.int8, numpy.int16, numpy.int32, numpy.int64],
        'uint': [numpy.uint8, numpy.uint16, numpy.uint32, numpy.uint64],
        'float': [numpy.float16, numpy.float32, numpy.float64],
        'complex': [numpy.complex64, numpy.complex128],
        'others': [bool, object, bytes, str, numpy.void],
    }
    APPLIED.append('numpy.sctypes (any Python with NumPy 2, which removed it; '
                   'chainer as_strided reads it)')


def _shim_numpy_distutils():
    """S2: on Python 3.12 and later NumPy ships without ``numpy.distutils``, and
    beside a setuptools whose distutils dropped ``msvccompiler`` (80.x; torch 2.13
    needs >=77) it does not import: its ``system_info`` imports that module.

    Chainer's ``_environment_check`` imports it only to warn about macOS
    Accelerate BLAS; an inert stub loses that warning and nothing else.
    """
    if importlib.util.find_spec('numpy.distutils') is not None:
        try:
            importlib.import_module('numpy.distutils.system_info')
            return
        except ImportError:
            cause = "a setuptools whose distutils has no msvccompiler, as torch's needs"
    else:
        cause = 'Python 3.12 and later, where NumPy ships without it'
    distutils = types.ModuleType('numpy.distutils')
    system_info = types.ModuleType('numpy.distutils.system_info')
    system_info.get_info = lambda *args, **kwargs: {}
    distutils.system_info = system_info
    sys.modules['numpy.distutils'] = distutils
    sys.modules['numpy.distutils.system_info'] = system_info
    APPLIED.append(f'numpy.distutils stub ({cause}; only a macOS BLAS warning used it)')


def _shim_pkg_resources():
    """S3: without setuptools, ``pkg_resources`` is missing.

    It is used only by ``chainer._environment_check`` to warn about optional
    CuPy/iDeep versions; a check that does nothing drops those warnings only.
    """
    if importlib.util.find_spec('pkg_resources') is not None:
        return
    check = types.ModuleType('chainer._environment_check')
    check.check = lambda: None
    sys.modules['chainer._environment_check'] = check
    APPLIED.append('chainer._environment_check no-op (any Python without setuptools<70, '
                   'so without pkg_resources; version warnings only)')


def import_chainer():
    """Return the ``chainer`` module, shimmed where this stack needs it."""
    if 'chainer' not in sys.modules:
        _shim_numpy_sctypes()
        _shim_numpy_distutils()
        _shim_pkg_resources()
    import chainer
    return chainer
