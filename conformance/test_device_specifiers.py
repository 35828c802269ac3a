"""Device specifiers of ``StandardUpdater(device=...)`` and what the
converter receives (family 'api', SEMANTICS D11).

Every CPU specifier Chainer accepts (a negative integer, of Python's or
NumPy's types, ``'-1'``, ``'@numpy'``, a ``backend.Device``) makes the
updater's ``device`` and ``input_device`` the CPU device; an old-style
converter function gets the device as ``-1``, a ``dataset.converter()``
one the Device object, both ``None`` when no device is given.  GPU ids are
the GPU lane's (``--device=gpu``).
"""
import numpy
import pytest
from hypothesis import given, strategies as st

from conformance import harness
from conformance.namespace import ImplementationLacks
from conformance.runners.device_specifiers import one_update
from conformance.spec import rule

SOURCE = ('chainer/training/updaters/standard_updater.py:StandardUpdater.__init__@v7.8.1; '
          'chainer/dataset/convert.py:_call_converter@v7.8.1; '
          'chainer/_backend.py:get_device@v7.8.1')

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
        st.just(("get_device('@numpy')", lambda ns: ns.get_device('@numpy'))))


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
    for name in ('device', 'input_device'):
        device = harness.attribute(updater, name, f'training.updaters.StandardUpdater.{name}')
        assert isinstance(device, ns.backend.Device) and device.xp is numpy, (
            f'{where}: updater.{name} is {device!r}, expected the CPU backend.Device')


INVALID = [(1.5, 'TypeError'), ((0,), 'TypeError'), ('@foo', 'ValueError'),
           ('@numpy:0', 'ValueError'), ('@cupy', 'ValueError')]


@rule('api', source=SOURCE)
@pytest.mark.parametrize('spec,error', INVALID, ids=[repr(s) for s, _ in INVALID])
def test_an_invalid_device_specifier_raises_chainers_exception(ns, spec, error):
    """A specifier of another type (a float, a tuple) is a ``TypeError``; a
    string of ``'@'`` with an unknown module, or ``'@numpy'`` with an id,
    or ``'@cupy'`` without one, a ``ValueError``: from ``get_device`` and
    from ``StandardUpdater(device=...)`` alike."""
    raised = []
    for what, call in (('get_device', lambda: ns.get_device(spec)),
                       ('StandardUpdater', lambda: one_update(ns, spec, 'old'))):
        try:
            call()
            raised.append((what, None))
        except ImplementationLacks:   # a missing name is not the rule's exception
            raise
        except Exception as exc:  # compared with Chainer's exception type
            raised.append((what, type(exc).__name__))
    expected = [('get_device', error), ('StandardUpdater', error)]
    assert raised == expected, f'device={spec!r}: raised {raised}, expected {expected}'
