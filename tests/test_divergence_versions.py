"""A divergence marked for some versions of an implementation holds only there."""
from conformance import spec


def _mark(**kwargs):
    return spec.diverges('chainer', reason='r', source='s', **kwargs).mark


def test_a_versioned_divergence_holds_only_for_the_versions_it_names():
    mark = _mark(version='>=7')
    assert spec.divergence_applies(mark, 'chainer', '7.8.1')
    assert spec.divergence_applies(mark, 'chainer', '7.0.0')
    assert not spec.divergence_applies(mark, 'chainer', '6.7.0')
    assert not spec.divergence_applies(mark, 'reference', '7.8.1')


def test_an_unknown_or_unparsable_version_keeps_the_divergence():
    mark = _mark(version='>=7')
    assert spec.divergence_applies(mark, 'chainer')
    assert spec.divergence_applies(mark, 'chainer', 'unknown')


def test_a_divergence_without_versions_holds_for_every_version():
    assert spec.divergence_applies(_mark(), 'chainer', '5.4.0')
