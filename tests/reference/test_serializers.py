"""Differential tests: reference serializers and snapshots vs Chainer 7.8.1.

Runners build a scenario through an implementation namespace (``chainer`` or
``reference``) and return a plain trace; ``same`` asserts both give the same
trace.  Files written by one implementation are read by the other.  The
reference's own guarantees (no unpickling, all-or-nothing loads, errors that
name the key) are checked directly, with Chainer's behaviour shown live where
it differs.
"""
import copy
import functools
import io
import os
import pickle
import threading
import types
import zipfile
import zlib

import numpy
import pytest

from conformance.chainer_compat import import_chainer
from tests.reference import both
from tests.reference.both import IMPLEMENTATIONS, same  # noqa: F401

chainer = import_chainer()
import chainer.functions  # noqa: E402
import chainer.links  # noqa: E402
import chainer.serializers  # noqa: E402
import chainer.training.extensions  # noqa: E402

import reference  # noqa: E402
import reference.serializers  # noqa: E402
import reference.training.extensions  # noqa: E402



# The reference's load errors also name the key, so only error types are compared.
outcome = functools.partial(both.outcome, message=False)


def plain(value):
    """A comparable form that keeps the type (and dtype) of ``value``."""
    if isinstance(value, (numpy.ndarray, numpy.generic)):
        return type(value).__name__, str(value.dtype), numpy.asarray(
            value).tolist()
    return type(value).__name__, value


class Child:
    def __init__(self):
        self.b = numpy.zeros(2, numpy.int32)

    def serialize(self, serializer):
        self.b = serializer('b', self.b)


class Holder:
    """A plain object holding one value of each kind a snapshot holds."""

    def __init__(self):
        self.w = numpy.zeros((2, 3), numpy.float32)
        self.count = 0
        self.rate = 0.0
        self.flag = False
        self.text = ''
        self.unset = None
        self.cleared = 1.5
        self.child = Child()

    def fill(self):
        self.w[...] = numpy.arange(6).reshape(2, 3) / 4
        self.count, self.rate, self.flag, self.text = 7, 0.25, True, 'abc'
        self.unset, self.cleared = 2.5, None
        self.child.b[...] = [3, -4]
        return self

    def serialize(self, serializer):
        self.w = serializer('w', self.w)
        self.count = serializer('count', self.count)
        self.rate = serializer('/rate', self.rate)
        self.flag = serializer('flag', self.flag)
        self.text = serializer('text', self.text)
        self.unset = serializer('unset', self.unset)
        self.cleared = serializer('cleared', self.cleared)
        self.child.serialize(serializer['/child/'])

    def trace(self):
        return [plain(v) for v in (self.w, self.count, self.rate, self.flag,
                                   self.text, self.unset, self.cleared,
                                   self.child.b)]


def dictionary_layout(impl, values):
    target = {}
    s = impl.serializers.DictionarySerializer(target)
    for key, value in values:
        s['a']['/b/'](key, value)
    s('top', 1)
    return [(key, plain(array), array.shape) for key, array in target.items()]


@pytest.mark.parametrize('values', [
    [('/c', 1), ('f', 2.5), ('t', True), ('s', 'abc'), ('n', None)],
    [('np', numpy.float32(1.5)), ('arr', numpy.arange(3)),
     ('zero_d', numpy.asarray(2, numpy.int8))],
])
def test_dictionary_serializer_matches_chainer(values):
    same(dictionary_layout, values)


def load_one(impl, saved, target, **kwargs):
    npz = {'g/k': numpy.asarray(saved)}
    d = impl.serializers.NpzDeserializer(npz, **kwargs)['g']
    result = d('/k', target)
    return plain(result), result is target


@pytest.mark.parametrize('saved, target', [
    (3, 0), (3.5, 0.0), (3.5, 0), (3, 0.0), (True, False), (2.5, None),
    ('abc', ''), (numpy.int64(7), numpy.int32(0)),
    (1e10, numpy.float32(0)), (numpy.float32(1.5), numpy.float64(0)),
    (True, 0), (1, False), (3, ''), (2 ** 40, 0), (1 + 2j, 0.0),
    (numpy.uint8(200), numpy.int16(0)), (None, 5.0), (None, None),
])
def test_scalar_conversions_match_chainer(saved, target):
    same(lambda impl: outcome(load_one, impl, saved, target))


@pytest.mark.parametrize('saved, target', [
    (numpy.ones((2, 3)), numpy.zeros((2, 3), numpy.float32)),
    (numpy.arange(3), numpy.zeros((2, 3))),        # broadcasts
    (numpy.asarray(4.0), numpy.zeros(2)),           # broadcasts
    (numpy.arange(3), numpy.zeros(2)),              # shape mismatch
    (numpy.ones(2), numpy.zeros(2, numpy.int32)),   # unsafe kind
    (numpy.asarray(['a', 'b']), numpy.zeros(2)),
])
def test_array_targets_match_chainer(saved, target):
    def run(impl):
        into = target.copy()
        return outcome(load_one, impl, saved, into), plain(into)

    same(run)


def test_array_errors_name_the_key_and_shapes():
    with pytest.raises(ValueError, match=r"'g/k'.*\(3,\).*\(2,\)"):
        load_one(reference, numpy.arange(3), numpy.zeros(2))
    with pytest.raises(TypeError, match=r"'g/k'.*float64.*int32"):
        load_one(reference, numpy.ones(2), numpy.zeros(2, numpy.int32))
    with pytest.raises(TypeError, match=r"Cannot safely deserialize.*'g/k'"):
        load_one(reference, 3.5, 0)


def _ends_with_k(key):
    return key.endswith('k')


def _none(key):
    return False


def _is_g_k(key):
    return key == 'g/k'


def _name_of(value):
    """A test id without memory addresses, the same in every xdist worker."""
    if callable(value):
        return value.__name__
    if isinstance(value, (list, tuple)):
        inner = ', '.join(_name_of(v) for v in value)
        return f'[{inner}]' if isinstance(value, list) else f'({inner})'
    return repr(value)


@pytest.mark.parametrize('ignore_names', [
    'g/k', 'k', _ends_with_k, _none, ['zz', _is_g_k], ('g/k', 5), [5, 'g/k'], 5, None, [],
], ids=_name_of)
@pytest.mark.parametrize('strict', [True, False])
def test_ignore_names_match_chainer(ignore_names, strict):
    same(lambda impl: outcome(load_one, impl, 9, 0, strict=strict,
                              ignore_names=ignore_names))


def test_missing_keys_match_chainer():
    def run(impl):
        d = impl.serializers.NpzDeserializer({'x': numpy.asarray(1)})
        lenient = impl.serializers.NpzDeserializer(
            {'x': numpy.asarray(1)}, strict=False)
        return outcome(d, 'y', 0), lenient('y', 3), lenient['a']('x', 3)

    same(run)
    with pytest.raises(KeyError, match='a/y is not a file in the archive'):
        reference.serializers.NpzDeserializer({})['a']('y', 0)


def save_holder(impl, path, compression):
    impl.serializers.save_npz(str(path), Holder().fill(), compression)


@pytest.mark.parametrize('compression', [True, False])
@pytest.mark.parametrize('writer', ['chainer', 'reference'])
def test_files_load_across_implementations(tmp_path, writer, compression):
    path = tmp_path / 'holder.npz'
    save_holder(IMPLEMENTATIONS[writer], path, compression)

    def run(impl):
        holder = Holder()
        arrays = holder.w, holder.child.b
        impl.serializers.load_npz(str(path), holder)
        in_place = holder.w is arrays[0] and holder.child.b is arrays[1]
        return holder.trace(), in_place

    trace, in_place = same(run)
    assert trace == Holder().fill().trace()[:5] + [
        plain(numpy.asarray(2.5)), plain(None), plain(Holder().fill().child.b)]
    assert in_place


def test_written_files_have_chainers_members(tmp_path):
    def run(impl, compression=True):
        path = tmp_path / f'{impl.__name__}.npz'
        save_holder(impl, path, compression)
        with zipfile.ZipFile(path) as archive:
            return [(i.filename, i.compress_type) for i in archive.infolist()]

    same(run)


def test_path_and_file_objects_match_chainer(tmp_path):
    outer = {}
    chainer.serializers.DictionarySerializer(outer)['outer'].save(
        Holder().fill())

    def run(impl):
        stream = io.BytesIO()
        impl.serializers.save_npz(stream, outer)
        stream.seek(0)
        holder = Holder()
        impl.serializers.load_npz(stream, holder, path='outer/')
        return holder.trace()

    same(run)


def npz_with_member(name, raw):
    """An archive whose member ``name`` holds the given ``.npy`` bytes."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, 'w') as archive:
        archive.writestr(name, raw)
    stream.seek(0)
    return stream


def npy_bytes(array):
    stream = io.BytesIO()
    numpy.lib.format.write_array(stream, array, allow_pickle=True)
    return stream.getvalue()


UNPICKLED = []


def _record_unpickling():
    UNPICKLED.append('unpickled!')


class Bomb:
    def __reduce__(self):
        return _record_unpickling, ()


def test_object_arrays_are_never_unpickled():
    bomb = numpy.empty((), dtype=object)
    bomb[()] = Bomb()
    raw = npy_bytes(bomb)
    target = types.SimpleNamespace(
        serialize=lambda s: s('x', None))
    with pytest.raises(ValueError, match=r"member 'x.npy'.*pickled object"):
        reference.serializers.load_npz(npz_with_member('x.npy', raw), target)
    assert UNPICKLED == []
    # Chainer (allow_pickle=True) runs the payload.
    chainer.serializers.load_npz(npz_with_member('x.npy', raw), target)
    assert UNPICKLED == ['unpickled!']
    UNPICKLED.clear()


# The bytes NumPy 2.4.6 writes for numpy.asarray(None) (pickle protocol 4,
# module numpy._core): what Chainer's save_npz writes for None under NumPy 2.
NUMPY2_NONE_PICKLE = (
    b'\x80\x04\x95\x87\x00\x00\x00\x00\x00\x00\x00\x8c\x16numpy._core.'
    b'multiarray\x94\x8c\x0c_reconstruct\x94\x93\x94\x8c\x05numpy\x94\x8c'
    b'\x07ndarray\x94\x93\x94K\x00\x85\x94C\x01b\x94\x87\x94R\x94(K\x01)h'
    b'\x03\x8c\x05dtype\x94\x93\x94\x8c\x02O8\x94\x89\x88\x87\x94R\x94(K'
    b'\x03\x8c\x01|\x94NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK?t\x94b\x89]'
    b'\x94Nat\x94b.')


@pytest.mark.parametrize('payload', [
    NUMPY2_NONE_PICKLE,
    pickle.dumps(numpy.asarray(None), protocol=2),
    pickle.dumps(numpy.asarray(None), protocol=3),
    pickle.dumps(numpy.asarray(None), protocol=5),
], ids=['numpy2', 'protocol2', 'protocol3', 'protocol5'])
def test_none_markers_of_every_numpy_are_recognised(payload):
    header = npy_bytes(numpy.asarray(None)).split(b'\n', 1)[0] + b'\n'
    loaded = []
    target = types.SimpleNamespace(
        serialize=lambda s: loaded.append(s('k', 1.0)))
    archive = npz_with_member('k.npy', header + payload)
    reference.serializers.load_npz(archive, target)
    assert loaded == [None, None]  # rehearsal, then the real load


@pytest.mark.parametrize('array', [
    numpy.asarray(5, dtype=object), numpy.array([None], dtype=object)])
def test_other_object_arrays_are_refused(array):
    target = types.SimpleNamespace(serialize=lambda s: s('k', None))
    with pytest.raises(ValueError, match="key 'k'"):
        reference.serializers.load_npz(
            npz_with_member('k.npy', npy_bytes(array)), target)


def holder_file(tmp_path, **overrides):
    """A snapshot of a filled Holder, with some saved arrays replaced."""
    target = {}
    reference.serializers.DictionarySerializer(target).save(Holder().fill())
    target.update(overrides)
    for key in [k for k, v in overrides.items() if v is None]:
        del target[key]
    path = tmp_path / 'holder.npz'
    numpy.savez_compressed(path, **target)
    return str(path)


def untouched_check(holder):
    """Identity and a deep copy of every value, to compare after a load."""
    return ([id(v) for v in vars(holder).values()], copy.deepcopy(holder))


def assert_untouched(holder, before):
    ids, snapshot = before
    assert [id(v) for v in vars(holder).values()] == ids
    assert holder.trace() == snapshot.trace()


@pytest.mark.parametrize('overrides, error, match', [
    ({'child/b': None}, KeyError, 'child/b is not a file'),
    ({'child/b': numpy.zeros(3, numpy.int32)}, ValueError,
     r"'child/b'.*\(3,\).*\(2,\)"),
    ({'child/b': numpy.ones(2)}, TypeError, "'child/b'"),
    ({'text': numpy.asarray(2.5), 'count': numpy.asarray(2.5)}, TypeError,
     "'count'"),
])
def test_a_failed_load_leaves_the_object_untouched(tmp_path, overrides,
                                                   error, match):
    path = holder_file(tmp_path, **overrides)
    holder = Holder()
    before = untouched_check(holder)
    with pytest.raises(error, match=match):
        reference.serializers.load_npz(path, holder)
    assert_untouched(holder, before)
    # Chainer stops half way, with the earlier keys already loaded.
    with pytest.raises(error):
        chainer.serializers.load_npz(path, holder)
    assert holder.w.tolist() == Holder().fill().w.tolist()


def test_corrupt_files_are_reported_with_file_and_member(tmp_path):
    path = holder_file(tmp_path)
    with open(path, 'rb') as f:
        data = f.read()
    holder = Holder()
    before = untouched_check(holder)
    truncated = tmp_path / 'truncated.npz'
    truncated.write_bytes(data[:len(data) // 2])
    with pytest.raises(zipfile.BadZipFile, match='truncated.npz.*not a readable'):
        reference.serializers.load_npz(str(truncated), holder)

    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo('w.npy')
    local_header = data[info.header_offset:info.header_offset + 30]
    name_and_extra = int.from_bytes(local_header[26:28], 'little') + \
        int.from_bytes(local_header[28:30], 'little')
    flipped = bytearray(data)
    flipped[info.header_offset + 30 + name_and_extra
            + info.compress_size // 2] ^= 0xFF
    corrupt = tmp_path / 'corrupt.npz'
    corrupt.write_bytes(bytes(flipped))
    with pytest.raises((zipfile.BadZipFile, zlib.error),
                       match=r"corrupt.npz: member 'w.npy'"):
        reference.serializers.load_npz(str(corrupt), holder)
    assert_untouched(holder, before)


class LargeHolder:
    """Arrays above the rehearsal's stand-in size, so the rehearsal sees only their shapes."""

    def __init__(self):
        self.first = numpy.zeros(4096, numpy.float32)
        self.counts = numpy.zeros((64, 64), numpy.int32)
        self.state = None
        self.last = numpy.zeros(2048, numpy.float32)

    def serialize(self, serializer):
        self.first = serializer('first', self.first)
        self.counts = serializer('counts', self.counts)
        self.state = serializer('state', self.state)
        self.last = serializer('last', self.last)


def large_file(tmp_path, **overrides):
    arrays = {'first': numpy.arange(4096, dtype=numpy.float32),
              'counts': numpy.ones((64, 64), numpy.int32),
              'state': numpy.full(3000, 2.0), 'last': numpy.ones(2048, numpy.float32)}
    arrays.update(overrides)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    path = tmp_path / 'large.npz'
    numpy.savez(path, **arrays)
    return str(path)


@pytest.mark.parametrize('overrides, error, match', [
    ({'last': None}, KeyError, 'last is not a file'),
    ({'last': numpy.ones(2047, numpy.float32)}, ValueError, r"'last'.*\(2047,\)"),
    ({'counts': numpy.full((64, 64), 0.5)}, TypeError, "'counts'"),  # float into int
    ({'last': numpy.ones((2, 1024), numpy.float32)}, ValueError, "'last'"),
])
def test_a_failed_load_of_large_arrays_leaves_them_untouched(tmp_path, overrides,
                                                             error, match):
    holder = LargeHolder()
    arrays = dict(vars(holder))
    with pytest.raises(error, match=match):
        reference.serializers.load_npz(large_file(tmp_path, **overrides), holder)
    assert vars(holder) == arrays  # the same objects
    assert not holder.first.any() and not holder.counts.any() and holder.state is None


def test_large_arrays_load_in_place_and_none_targets_get_a_writable_copy(tmp_path):
    holder = LargeHolder()
    first, counts = holder.first, holder.counts
    reference.serializers.load_npz(large_file(tmp_path), holder)
    assert holder.first is first and holder.counts is counts
    assert holder.first.tolist() == list(range(4096)) and holder.counts.all()
    assert holder.state.flags.writeable and holder.state.tolist() == [2.0] * 3000


def test_a_corrupt_uncompressed_member_is_refused_before_anything_loads(tmp_path):
    # Uncompressed members are read from a memory map: their CRC is still
    # checked before the target is touched.
    path = large_file(tmp_path)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo('last.npy')
    flipped = bytearray(open(path, 'rb').read())
    flipped[info.header_offset + info.compress_size // 2] ^= 0xFF
    corrupt = tmp_path / 'corrupt.npz'
    corrupt.write_bytes(bytes(flipped))
    holder = LargeHolder()
    arrays = dict(vars(holder))
    with pytest.raises(zipfile.BadZipFile, match=r"corrupt.npz: member 'last.npy'.*CRC"):
        reference.serializers.load_npz(str(corrupt), holder)
    assert vars(holder) == arrays and not holder.first.any()
    with pytest.raises(zipfile.BadZipFile):  # Chainer: the same error, half loaded
        chainer.serializers.load_npz(str(corrupt), LargeHolder())


def test_a_read_only_large_target_fails_the_rehearsal(tmp_path):
    holder = LargeHolder()
    holder.last.flags.writeable = False
    with pytest.raises(ValueError, match="'last'.*read-only"):
        reference.serializers.load_npz(large_file(tmp_path), holder)
    assert not holder.first.any()
    with pytest.raises(ValueError, match='read-only'):  # Chainer: after loading 'first'
        chainer.serializers.load_npz(large_file(tmp_path), holder)


@pytest.mark.parametrize('open_file', [
    lambda path: open(path, 'rb'),  # a real file: memory-mapped
    lambda path: io.BytesIO(open(path, 'rb').read()),  # none: read from the zip
])
def test_uncompressed_files_load_alike_from_paths_and_file_objects(tmp_path, open_file):
    path = large_file(tmp_path, last=numpy.ones(2048, numpy.int16))  # a safe cast
    from_path, from_object = LargeHolder(), LargeHolder()
    reference.serializers.load_npz(path, from_path)
    with open_file(path) as file:
        reference.serializers.load_npz(file, from_object)
    assert {k: v.tolist() for k, v in vars(from_path).items()} == \
        {k: v.tolist() for k, v in vars(from_object).items()}
    assert from_path.last.dtype == numpy.float32 and from_path.last.all()


def test_objects_that_cannot_be_deep_copied_still_load(tmp_path):
    holder = Holder()
    holder.lock = threading.Lock()  # deepcopy refuses locks
    reference.serializers.load_npz(holder_file(tmp_path), holder)
    assert holder.trace()[0] == Holder().fill().trace()[0]


# --- the snapshot extension ------------------------------------------------

def test_snapshot_defaults_match_chainer():
    def run(impl):
        ext = impl.training.extensions
        snapshot, obj = ext.snapshot(), ext.snapshot_object(Holder(), 'h')
        return ([(e.trigger, e.priority, e.default_name, e.filename,
                  e.n_retains, e.autoload, type(e.writer).__name__)
                 for e in (snapshot, obj)],
                outcome(ext.snapshot, savefun=print,
                        writer=ext.snapshot_writers.SimpleWriter()),
                outcome(ext.snapshot, bogus=1))

    same(run)


def stand_in_trainer(out, holder):
    """What a snapshot reads from a trainer: ``out``, the iteration, state."""
    return types.SimpleNamespace(
        out=str(out), updater=types.SimpleNamespace(iteration=0),
        serialize=holder.serialize)


def take_snapshots(impl, out, iterations, **kwargs):
    os.makedirs(out)
    holder = Holder().fill()
    trainer = stand_in_trainer(out, holder)
    ext = impl.training.extensions.snapshot(**kwargs)
    ext.initialize(trainer)
    for iteration in iterations:
        trainer.updater.iteration = iteration
        holder.count = iteration
        ext(trainer)
    ext.finalize()
    return sorted(os.listdir(out))


@pytest.mark.parametrize('kwargs', [
    lambda: {},
    lambda: {'n_retains': 2},
    lambda: {'n_retains': 2, 'filename': 'snap{.updater.iteration}.npz'},
    lambda: {'filename': lambda trainer: f'it{trainer.updater.iteration % 2}',
             'n_retains': 1},
    lambda: {'condition': iter([True, False] * 5).__next__},
])
def test_snapshot_files_match_chainer(tmp_path, kwargs):
    same(lambda impl: take_snapshots(
        impl, tmp_path / impl.__name__, range(1, 6), **kwargs()))


def test_snapshots_are_readable_by_both(tmp_path):
    def run(impl):
        out = tmp_path / impl.__name__
        take_snapshots(impl, out, [3])
        return [(reader.__name__, outcome(load_count, reader,
                                          out / 'snapshot_iter_3'))
                for reader in IMPLEMENTATIONS.values()]

    assert same(run)[0] == ('chainer', ('ok', 3))


def load_count(impl, path):
    holder = Holder()
    impl.serializers.load_npz(str(path), holder)
    return holder.count


def test_autoload_takes_the_newest_matching_file_by_mtime(tmp_path):
    def run(impl):
        out = tmp_path / impl.__name__
        take_snapshots(impl, out, [1, 2, 3])
        (out / 'other.npz').write_bytes(b'not a snapshot')
        for mtime, name in [(300, 'snapshot_iter_1'), (200, 'snapshot_iter_3'),
                            (100, 'snapshot_iter_2'), (400, 'other.npz')]:
            os.utime(out / name, (mtime, mtime))
        holder = Holder()
        ext = impl.training.extensions.snapshot(autoload=True)
        ext.initialize(stand_in_trainer(out, holder))
        empty = tmp_path / f'{impl.__name__}-empty'
        os.makedirs(empty)
        untouched = Holder()
        ext.initialize(stand_in_trainer(empty, untouched))
        return holder.count, untouched.count

    assert same(run) == (1, 0)


def test_on_error_finalize_and_writer_kwargs_match_chainer(tmp_path):
    def run(impl):
        calls = []

        def savefun(path, target, **kwargs):
            calls.append((os.path.basename(path), sorted(target), kwargs))
            open(path, 'w').close()

        writer = impl.training.extensions.snapshot_writers.SimpleWriter(
            savefun, unused=1)
        writer.finalize = lambda: calls.append('finalize')
        out = tmp_path / impl.__name__
        os.makedirs(out)
        trainer = stand_in_trainer(out, Holder())
        for on_error in (False, True):
            ext = impl.training.extensions.snapshot(
                writer=writer, snapshot_on_error=on_error)
            ext.on_error(trainer, RuntimeError(), None)
            ext.finalize()
        # A copy: Chainer's Writer.__del__ calls finalize once more later.
        return list(calls), sorted(os.listdir(out))

    # The writer's keyword arguments reach savefun in the reference, as
    # documented; Chainer drops them (snapshot_writers.py:Writer.save).
    documented = run(reference)
    chainer_calls, chainer_files = run(chainer)
    assert documented[1] == chainer_files
    assert [c if c == 'finalize' else c[:2] for c in documented[0]] == \
        [c if c == 'finalize' else c[:2] for c in chainer_calls]
    assert {c[2]['unused'] for c in documented[0] if c != 'finalize'} == {1}
    assert all(c[2] == {} for c in chainer_calls if c != 'finalize')


# --- full trainers ---------------------------------------------------------

def build_trainer(impl, out, autoload=False):
    """Linear(3, 2), SGD(lr=0.5), ExponentialShift, snapshot every 4 its."""
    class Model(impl.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l1 = impl.links.Linear(3, 2, initialW=numpy.arange(
                    6, dtype=numpy.float32).reshape(2, 3) / 10)

        def __call__(self, x, t):
            return impl.functions.mean_squared_error(self.l1(x), t)

    rng = numpy.random.RandomState(0)
    data = [(rng.randn(3).astype(numpy.float32),
             rng.randn(2).astype(numpy.float32)) for _ in range(10)]
    optimizer = impl.optimizers.SGD(lr=0.5)
    optimizer.setup(Model())
    updater = impl.training.updaters.StandardUpdater(
        impl.iterators.SerialIterator(data, 4, shuffle=False), optimizer)
    trainer = impl.training.Trainer(updater, (8, 'iteration'), out=str(out))
    used = []
    trainer.extend(lambda t: used.append(optimizer.lr), name='lr',
                   priority=1000)
    trainer.extend(impl.training.extensions.ExponentialShift('lr', 0.5))
    trainer.extend(impl.training.extensions.snapshot(autoload=autoload),
                   trigger=(4, 'iteration'))
    return trainer, optimizer.target, used


def trained(used, model):
    return used, model.l1.W.array.tolist(), model.l1.b.array.tolist()


@pytest.mark.parametrize('writer', ['chainer', 'reference'])
def test_trainer_snapshots_resume_across_implementations(tmp_path, writer):
    trainer, model, used = build_trainer(IMPLEMENTATIONS[writer],
                                         tmp_path / 'full')
    trainer.run()
    snapshot = tmp_path / 'full' / 'snapshot_iter_4'

    def run(impl):
        trainer, model, used = build_trainer(impl, tmp_path / impl.__name__)
        impl.serializers.load_npz(str(snapshot), trainer)
        trainer.run()
        return trained(used, model)

    resumed = same(run)
    assert resumed[0] == used[4:] and resumed[1:] == trained(used, model)[1:]


def test_autoload_resumes_exactly_in_the_reference(tmp_path):
    """Chainer's autoload leaves the fresh LR for one update (H11)."""
    trainer, model, used = build_trainer(reference, tmp_path / 'full')
    trainer.run()
    traces = {}
    for name, impl in IMPLEMENTATIONS.items():
        out = tmp_path / name
        os.makedirs(out)
        os.link(tmp_path / 'full' / 'snapshot_iter_4',
                out / 'snapshot_iter_4')
        resumed, resumed_model, resumed_used = build_trainer(
            impl, out, autoload=True)
        resumed.run()
        traces[name] = trained(resumed_used, resumed_model)
    assert traces['reference'] == ([v for v in used[4:]],) + trained(
        used, model)[1:]
    assert traces['chainer'][0][0] == 0.5 != used[4]
