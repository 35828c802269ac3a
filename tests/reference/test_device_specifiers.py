"""Device specifiers and the converter call, the reference against live Chainer 7.8.1.

``StandardUpdater(device=...)`` accepts every specifier ``get_device`` does;
a plain function converter gets ``-1`` (or a GPU id), a ``Converter`` gets the
Device.  CPU only here; the GPU ids are checked by the GPU lane.
"""
import numpy
import pytest

from tests.reference.both import outcome, same  # noqa: F401

SPECIFIERS = [-1, '-1', '@numpy', numpy.int64(-1), numpy.int32(-3), 'native',
              '@foo', '@numpy:0', '@cupy', 1.5, (0,), '@intel64']


def resolve(ns, spec):
    """What ``get_device`` makes of ``spec``: the device's name, or the error's type."""
    result = outcome(ns.get_device, spec)
    if result[0] != 'ok':
        return result[0]
    device = ns.get_device(spec)
    return type(device).__name__, device.name, device.xp.__name__


@pytest.mark.parametrize('spec', SPECIFIERS, ids=repr)
def test_get_device_resolves_or_rejects_like_chainer(spec):
    same(resolve, spec)


def converter_calls(ns, spec, style):
    """One update with ``device=spec``; what the converter received, and the updater's devices."""
    seen = []

    def old_style(batch, device):
        seen.append(repr(device))
        return ns.dataset.concat_examples(batch, device)

    @ns.dataset.converter()
    def new_style(batch, device):
        seen.append(type(device).__name__)
        return ns.dataset.concat_examples(batch, device)

    converter = {'old': old_style, 'new': new_style,
                 'default': ns.dataset.concat_examples}[style]
    link = ns.links.Linear(2, 1, initialW=numpy.ones((1, 2)))

    class Model(ns.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.layer = link

        def forward(self, x):
            return ns.functions.sum(self.layer(x))

    optimizer = ns.optimizers.SGD().setup(Model())
    dataset = [numpy.full(2, i, numpy.float32) for i in range(4)]
    iterator = ns.iterators.SerialIterator(dataset, 2, shuffle=False)
    updater = ns.training.updaters.StandardUpdater(
        iterator, optimizer, converter=converter, device=spec)
    updater.update()
    return (seen, type(updater.device).__name__, type(updater.input_device).__name__,
            link.W.array.tolist())


@pytest.mark.parametrize('style', ['old', 'new', 'default'])
@pytest.mark.parametrize('spec', [None, -1, '-1', '@numpy', numpy.int64(-2)], ids=repr)
def test_the_converter_gets_the_device_as_chainer_passes_it(spec, style):
    same(converter_calls, spec, style)


def to_device_on_host(ns, spec):
    array = numpy.arange(3.0)
    moved = ns.dataset.to_device(spec, array)
    return type(moved).__name__, moved is array, moved.tolist()


@pytest.mark.parametrize('spec', [None, -1, '@numpy'], ids=repr)
def test_to_device_accepts_the_same_specifiers(spec):
    same(to_device_on_host, spec)
