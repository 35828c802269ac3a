"""Device specifiers of ``StandardUpdater(device=...)`` and what the
converter receives (family 'api', SEMANTICS D11).

Every CPU specifier Chainer accepts (a negative integer, of Python's or
NumPy's types, ``'-1'``, ``'@numpy'``, a ``backend.Device``) makes the
updater's ``device`` and ``input_device`` the CPU device; an old-style
converter function gets the device as ``-1``, a ``dataset.converter()``
one the Device object, both ``None`` when no device is given.  GPU ids
(``0``, ``'0'``, ``'@cupy:0'``) are a CuPy device with CUDA and a
``RuntimeError`` without it.  ``concat_examples`` pads ragged arrays.
"""
import types

import numpy
import pytest
from hypothesis import given, strategies as st

from conformance import harness
from conformance.namespace import ImplementationLacks
from conformance.runners.device_specifiers import one_evaluation, one_update
from conformance.spec import rule

SOURCE = ('chainer/training/updaters/standard_updater.py:StandardUpdater.__init__@v7.8.1; '
          'chainer/dataset/convert.py:_call_converter@v7.8.1; '
          'chainer/backend.py:get_device@v7.8.1')

INPUT_DEVICE = 'training.updaters.StandardUpdater.input_device'
NUMPY_INTS = (numpy.int8, numpy.int16, numpy.int32, numpy.int64)


def cpu_specifiers():
    """``(label, make)``: ``make(ns)`` builds the specifier."""
    negative = st.integers(-8, -1)
    return st.one_of(
        st.just(('None', lambda ns: None)),
        negative.map(lambda i: (repr(i), lambda ns: i)),
        st.tuples(st.sampled_from(NUMPY_INTS), negative).map(
            lambda p: (f'{p[0].__name__}({p[1]})', lambda ns: p[0](p[1]))),
        st.just(("'-1'", lambda ns: '-1')),
        st.just(("'@numpy'", lambda ns: '@numpy')),
        st.just(("get_device('@numpy')", lambda ns: ns.get_device('@numpy'))),
        st.just(('backend.CpuDevice()', lambda ns: ns.backend.CpuDevice())))


@rule('api', source=SOURCE)
@pytest.mark.parametrize('style', ['old', 'new'])
@given(spec=cpu_specifiers())
def test_the_converter_gets_the_device_as_chainer_passes_it(ns, style, spec):
    """An old-style converter (a plain function) is called with ``device``
    as ``-1`` (a Python int) for every CPU specifier, a
    ``dataset.converter()``-decorated one with the ``backend.Device``
    (the CPU device, whose ``xp`` is NumPy); with no device both get
    ``None``.  ``updater.device`` and ``updater.input_device`` are the CPU
    device (``None`` without a device)."""
    label, make = spec
    seen, updater = one_update(ns, make(ns), style)
    where = f'StandardUpdater(device={label}), {style}-style converter'
    # input_device is Chainer 7's: read last, a lack if missing.
    if label == 'None':
        assert seen == [None], f'{where}: the converter got {seen!r}, expected [None]'
        input_device = harness.attribute(updater, 'input_device', INPUT_DEVICE)
        assert updater.device is None and input_device is None, (
            f'{where}: device {updater.device!r}, input_device {input_device!r}')
        return
    assert len(seen) == 1, f'{where}: the converter was called {len(seen)} times'
    got = seen[0]
    if style == 'old':
        assert type(got) is int and got == -1, (
            f'{where}: the converter got {got!r} ({type(got).__name__}), expected the int -1')
    else:
        assert isinstance(got, ns.backend.Device) and got.xp is numpy, (
            f'{where}: the converter got {got!r}, expected the CPU backend.Device')
        cpu = ns.backend.CpuDevice()
        assert got == cpu and not got != cpu, (
            f'{where}: the converter got {got!r}, which is not equal (==, !=) '
            'to backend.CpuDevice()')
    for name in ('device', 'input_device'):
        device = harness.attribute(updater, name, f'training.updaters.StandardUpdater.{name}')
        assert isinstance(device, ns.backend.Device) and device.xp is numpy, (
            f'{where}: updater.{name} is {device!r}, expected the CPU backend.Device')


EVALUATOR_SOURCE = ('chainer/training/extensions/evaluator.py:Evaluator.evaluate@v7.8.1; '
                    'chainer/dataset/convert.py:_call_converter@v7.8.1')


@rule('api', source=EVALUATOR_SOURCE)
@pytest.mark.parametrize('style', ['old', 'new'])
@given(spec=cpu_specifiers())
def test_the_evaluators_converter_gets_the_device_as_chainer_passes_it(ns, style, spec):
    """``Evaluator(device=...)`` passes its device to the converter of each
    batch as ``StandardUpdater`` does: ``-1`` to an old-style converter for
    every CPU specifier, the CPU ``backend.Device`` to a new-style one,
    ``None`` to both without a device."""
    label, make = spec
    seen = one_evaluation(ns, make(ns), style)
    where = f'Evaluator(device={label}), {style}-style converter'
    assert len(seen) == 2, f'{where}: the converter was called {len(seen)} times for 2 batches'
    for got in seen:
        if label == 'None':
            assert got is None, f'{where}: the converter got {got!r}, expected None'
        elif style == 'old':
            assert type(got) is int and got == -1, (
                f'{where}: the converter got {got!r} ({type(got).__name__}), expected the int -1')
        else:
            assert isinstance(got, ns.backend.Device) and got.xp is numpy, (
                f'{where}: the converter got {got!r}, expected the CPU backend.Device')


@rule('api', source='chainer/dataset/convert.py:_FunctionConverter.__init__@v7.8.1')
@given(value=st.sampled_from([5, 'convert', None, [len]]))
def test_the_converter_decorator_refuses_what_is_not_callable(ns, value):
    """``dataset.converter()`` applied to something not callable raises
    ``TypeError('Can only wrap a callable. Actual: <its type>')``."""
    expected = f'Can only wrap a callable. Actual: {type(value)}'
    with pytest.raises(TypeError) as error:
        ns.dataset.converter()(value)
    assert str(error.value) == expected, (
        f'dataset.converter()({value!r}): message\n expected: {expected!r}\n got:      '
        f'{str(error.value)!r}')


@rule('api', source='chainer/dataset/convert.py:_FunctionConverter.__call__@v7.8.1')
@pytest.mark.parametrize('passed', ['positional', 'keyword'])
@given(spec=cpu_specifiers())
def test_a_decorated_converter_called_directly_gets_a_device(ns, passed, spec):
    """A ``dataset.converter()`` function called by user code with a device
    specifier (second positional argument or ``device=``) gets it resolved:
    the CPU ``backend.Device`` for every CPU specifier, ``None`` for None."""
    label, make = spec
    seen = []

    @ns.dataset.converter()
    def convert(batch, device=None):
        seen.append(device)
        return batch
    batch = [numpy.zeros(2, numpy.float32)]
    if passed == 'positional':
        convert(batch, make(ns))
    else:
        convert(batch, device=make(ns))
    where = f'a dataset.converter() function called with {label} ({passed})'
    assert len(seen) == 1, f'{where}: it ran {len(seen)} times'
    got = seen[0]
    if label == 'None':
        assert got is None, f'{where}: it got {got!r}, expected None'
    else:
        assert isinstance(got, ns.backend.Device) and got.xp is numpy, (
            f'{where}: it got {got!r} ({type(got).__name__}), expected the CPU backend.Device')


AT_MODULE = ("Device specifiers starting with '@' must be followed by a module name and "
             "depending on the module, module specific precise device specifiers. Actual: {}")
CHAINERX = ("Tried to parse ChainerX device specifier '{}', but ChainerX is not available. "
            "Note that device specifiers without '@' prefix are assumed to be ChainerX "
            "device specifiers.")
#: (specifier, exception type, get_device's message where Chainer's is the rule:
#: the TypeError's lists chainerx.Device, which an implementation without
#: ChainerX need not, and '@intel64''s names the missing iDeep installation).
INVALID = [(1.5, 'TypeError', None), ((0,), 'TypeError', None), (numpy, 'TypeError', None)] + [
    (spec, 'ValueError', AT_MODULE.format(spec))
    for spec in ('@foo', '@NumPy', '@', '@numpy:0', '@cupy', '@intel64:0')] + [
    ('@cupy:x', 'ValueError', "invalid literal for int() with base 10: 'x'"),
    ('@intel64', 'RuntimeError', None)] + [
    (spec, 'RuntimeError', CHAINERX.format(spec)) for spec in ('native:0', 'cuda:0', 'abc')]


def _label(spec):
    return spec.__name__ if isinstance(spec, types.ModuleType) else repr(spec)


def raised_by(ns, spec):
    """``[(what, exception type name or None, message)]`` of
    ``get_device(spec)`` and of ``StandardUpdater(device=spec)``."""
    raised = []
    for what, call in (('get_device', lambda: ns.get_device(spec)),
                       ('StandardUpdater', lambda: one_update(ns, spec, 'old'))):
        try:
            call()
            raised.append((what, None, None))
        except ImplementationLacks:   # a missing name is not the rule's exception
            raise
        except Exception as exc:  # compared with Chainer's exception type
            raised.append((what, type(exc).__name__, str(exc)))
    return raised


@rule('api', source=SOURCE)
@pytest.mark.parametrize('spec,error,message', INVALID, ids=[_label(s) for s, _, _ in INVALID])
def test_an_invalid_device_specifier_raises_chainers_exception(ns, spec, error, message):
    """A specifier of another type (a float, a tuple, a module) is a
    ``TypeError``; a string of ``'@'`` with an unknown module (module names
    are case-sensitive), ``'@numpy'`` or ``'@intel64'`` with an id, or
    ``'@cupy'`` without one or with one that is no integer, a
    ``ValueError`` with Chainer's message; ``'@intel64'`` without iDeep and
    a string without ``'@'`` (a ChainerX specifier) without ChainerX, a
    ``RuntimeError``: from ``get_device`` and from
    ``StandardUpdater(device=...)`` alike."""
    raised = raised_by(ns, spec)
    expected = [('get_device', error), ('StandardUpdater', error)]
    assert [r[:2] for r in raised] == expected, (
        f'device={_label(spec)}: raised {[r[:2] for r in raised]}, expected {expected}')
    if message is not None:
        assert raised[0][2] == message, (
            f'get_device({_label(spec)}): message\n expected: {message!r}\n got:      '
            f'{raised[0][2]!r}')


#: How a GPU id is written: Python's and NumPy's integers, a string of one,
#: '@cupy:<id>', and a bool (an int to Chainer: ``True`` is GPU 1, ``False`` GPU 0).
GPU_FORMS = [('int', int), ('str', str), ('@cupy', '@cupy:{}'.format), ('bool', bool)] + [
    (t.__name__, t) for t in NUMPY_INTS]


def cuda_device_count():
    """How many CUDA devices CuPy sees here (0 without CuPy or a driver)."""
    try:
        import cupy
        return cupy.cuda.runtime.getDeviceCount()
    except Exception:  # no CuPy, no driver, no device: CUDA is not available
        return 0


@rule('api', source=SOURCE)
@given(form=st.sampled_from(GPU_FORMS), device_id=st.integers(0, 3))
def test_a_gpu_specifier_is_a_cupy_device_or_needs_cuda(ns, form, device_id):
    """A non-negative integer (of Python's or NumPy's types, ``bool``
    included), a string of one and ``'@cupy:<id>'`` name GPU ``<id>``: with CUDA available
    ``get_device`` gives the device of ``'@cupy:<id>'``, computing with
    CuPy; without it ``get_device`` and ``StandardUpdater(device=...)``
    raise ``RuntimeError`` (never the ``ValueError`` of a malformed
    specifier)."""
    name, make = form
    count = cuda_device_count()
    spec = make(device_id % count if count else device_id)
    if not count:
        raised = [r[:2] for r in raised_by(ns, spec)]
        expected = [('get_device', 'RuntimeError'), ('StandardUpdater', 'RuntimeError')]
        assert raised == expected, (
            f'device={spec!r} ({name}) without CUDA: raised {raised}, expected {expected}')
        return
    device = ns.get_device(spec)
    assert getattr(device.xp, '__name__', None) == 'cupy', (
        f'get_device({spec!r}) ({name}) is {device!r}, whose xp is not CuPy')
    gpu = device_id % count if name == '@cupy' else int(spec)   # a bool is 0 or 1
    same = ns.get_device(f'@cupy:{gpu}')
    assert device == same and device != ns.backend.CpuDevice(), (
        f'get_device({spec!r}) ({name}) is {device!r}, expected {same!r}')


CONCAT_SOURCE = 'chainer/dataset/convert.py:concat_examples, _concat_arrays_with_padding@v7.8.1'


@st.composite
def ragged_batches(draw):
    """``(arrays, padding, style)``: two to four arrays of one ndim whose
    shapes differ, of one dtype or (now and then) of float32 and int32 mixed,
    a padding value, and whether the examples are the arrays or ``(array,
    2 * array)`` tuples."""
    ndim = draw(st.integers(1, 3))
    shapes = draw(st.lists(st.tuples(*[st.integers(0, 3)] * ndim), min_size=2, max_size=4))
    dtype = st.sampled_from([numpy.float32, numpy.int32])
    if draw(st.booleans(), label='mixed dtypes'):
        dtypes = draw(st.lists(dtype, min_size=len(shapes), max_size=len(shapes)))
    else:
        dtypes = [draw(dtype)] * len(shapes)
    arrays = [numpy.arange(1, 1 + int(numpy.prod(shape)), dtype=d).reshape(shape)
              for shape, d in zip(shapes, dtypes)]
    return arrays, draw(st.integers(-3, 3)), draw(st.sampled_from(['array', 'tuple']))


def padded(arrays, padding):
    """The expected padded batch: ``padding`` everywhere, each array in the
    leading corner of its row, the first array's dtype."""
    shape = numpy.max([a.shape for a in arrays], axis=0)
    out = numpy.full((len(arrays),) + tuple(shape), padding, dtype=arrays[0].dtype)
    for row, array in zip(out, arrays):
        row[tuple(slice(n) for n in array.shape)] = array
    return out


@rule('api', source=CONCAT_SOURCE)
@given(case=ragged_batches(), device=st.sampled_from([None, -1]))
def test_concat_examples_pads_ragged_arrays_to_the_largest_shape(ns, case, device):
    """``concat_examples(batch, device, padding=p)`` stacks arrays of
    different shapes into one array of the largest extent on every axis,
    of the first array's dtype, filled with ``p`` where no example reaches;
    for tuple examples ``padding`` may be a tuple, one value per
    component."""
    arrays, padding, style = case
    if style == 'array':
        got = [ns.dataset.concat_examples(arrays, device, padding=padding)]
        expected = [padded(arrays, padding)]
    else:
        batch = [(a, 2 * a) for a in arrays]
        got = list(ns.dataset.concat_examples(batch, device, padding=(padding, padding + 1)))
        expected = [padded(arrays, padding), padded([2 * a for a in arrays], padding + 1)]
    where = (f'concat_examples({style}s of shapes {[a.shape for a in arrays]}, {device}, '
             f'padding={padding})')
    assert len(got) == len(expected), f'{where}: {len(got)} components, expected {len(expected)}'
    for g, e in zip(got, expected):
        assert isinstance(g, numpy.ndarray) and g.dtype == e.dtype, (
            f'{where}: got {type(g).__name__} of dtype {getattr(g, "dtype", None)}, '
            f'expected {e.dtype}')
        numpy.testing.assert_array_equal(g, e, err_msg=where)
