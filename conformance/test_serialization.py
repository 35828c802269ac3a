"""What snapshots hold and how they load (family 'serialization').

Round trips: an object with random state, written by ``save_npz`` and loaded
with ``load_npz`` into a freshly built object, serializes to the same content
(keys, dtypes, shapes, bytes) as the original.  Layout: a trainer snapshot
has exactly the keys, dtypes and shapes Chainer writes, predicted from the
rules of each ``serialize`` method (SEMANTICS B11, C4, D7, D9, E8, F6, H, I)
in ``conformance/models/serialization.py``.

(The family's properties stay in one module, over 400 lines: a property's id
names its file, and the ids are what expectations files and reports key on.)
"""
import dataclasses
import os
import zipfile

import numpy
import pytest
from hypothesis import assume, example, given, strategies as st

from conformance import diff
from conformance.diff import assert_same_content
from conformance.models import update_rules
from conformance.models.serialization import (
    ignored, observer_keys, scalar_load_refused, trainer_layout)
from conformance.runners import damaged, records, round_trips, training
from conformance.spec import rule
from conformance.strategies import snapshot as scenarios
from conformance.strategies import serializers
from conformance.user_extension import user_extension  # NOQA: F401 (fixture)

NPZ = 'chainer/serializers/npz.py:{}@v7.8.1'


# --- round trips ----------------------------------------------------------------------

@rule('serialization', source='chainer/training/extensions/exponential_shift.py:'
      'ExponentialShift.serialize@v7.8.1')
@given(scenario=scenarios.training_scenarios(kinds=scenarios.SHIFT_KINDS, shifts=(1, 1)),
       calls=st.integers(0, 5))
def test_shift_extension_round_trips_through_save_npz(out_dir, ns, scenario, calls):
    """A shift extension after 0-5 iterations of training (at most N) (``_t`` and
    ``_last_value`` or ``_current_step``; ``None`` before ``initialize``)
    loads into a fresh extension with the same content."""
    shift = training.trained(ns, scenario, out_dir, min(calls, scenario.stop)).shifts[0]
    fresh = training.build_shift(ns, scenario.shifts[0])
    saved, loaded = round_trips.round_trip(ns, shift, fresh, out_dir)
    assert_same_content(saved, loaded, scenario.shifts[0].kind)


@rule('serialization', source='chainer/training/triggers/interval_trigger.py:'
      'IntervalTrigger.serialize@v7.8.1')
@given(spec=scenarios.trigger_specs, scenario=scenarios.small_scenarios(),
       iterations=st.integers(0, 6))
def test_trigger_round_trips_through_save_npz(out_dir, ns, spec, scenario, iterations):
    """Interval, manual-schedule and once triggers, after deciding for 0-6
    iterations of a trainer, load into fresh triggers with the same content
    (previous iteration and epoch detail, ``finished``, ``_flag_first``)."""
    iterations = min(iterations, scenario.stop)
    trigger = round_trips.used_trigger(ns, spec, scenario, out_dir, iterations)
    fresh = round_trips.build_trigger(ns, spec)
    saved, loaded = round_trips.round_trip(ns, trigger, fresh, out_dir)
    assert_same_content(saved, loaded, f'{spec.kind}{spec.args}')


@rule('serialization',
      source='chainer/iterators/serial_iterator.py:SerialIterator.serialize@v7.8.1')
@given(spec=scenarios.iterator_specs, consumed=st.integers(0, 6))
def test_serial_iterator_round_trips_and_continues_identically(out_dir, ns, spec, consumed):
    """A SerialIterator after 0-6 batches loads into a fresh one with the
    same content (position, epoch, is_new_epoch, order, previous epoch
    detail), and both then yield the same batches (up to the next epoch
    boundary when shuffling: the random generator is not saved, D8)."""
    iterator = round_trips.build_iterator(ns, spec)
    round_trips.batches(iterator, consumed, stop_at_new_epoch=False)
    fresh = round_trips.build_iterator(ns, spec)
    saved, loaded = round_trips.round_trip(ns, iterator, fresh, out_dir)
    assert_same_content(saved, loaded, f'SerialIterator after {consumed} batches')
    expected = round_trips.batches(iterator, 6, spec.shuffle)
    actual = round_trips.batches(fresh, 6, spec.shuffle)
    assert actual == expected, (
        f'loaded SerialIterator{spec} continues with {actual}, the original with {expected}')


@rule('serialization', source='chainer/optimizer.py:UpdateRule.serialize@v7.8.1')
@given(scenario=scenarios.small_scenarios(), updates=st.integers(1, 4))
def test_optimizer_round_trips_and_continues_identically(out_dir, ns, scenario, updates):
    """An optimizer after 1-4 updates (``t``, ``epoch``, each rule's ``t``
    and state, e.g. Adam's m, v, vhat; disabled rules keep no state) and its
    model load into a fresh model and optimizer whose rules have no state
    yet: same content, and one more update gives bitwise-equal parameters
    and states."""
    model, optimizer = round_trips.updated(ns, scenario, updates)
    fresh_model, fresh_optimizer = round_trips.updated(ns, scenario, 0)
    saved, loaded = round_trips.round_trip(ns, optimizer, fresh_optimizer, out_dir)
    assert_same_content(saved, loaded, scenario.optimizer.name)
    saved, loaded = round_trips.round_trip(ns, model, fresh_model, out_dir)
    assert_same_content(saved, loaded, 'the model')
    for m, o in ((model, optimizer), (fresh_model, fresh_optimizer)):
        round_trips.step(ns, m, o, updates)
    expected = {**training.serialized(ns, optimizer), **training.serialized(ns, model)}
    actual = {**training.serialized(ns, fresh_optimizer), **training.serialized(ns, fresh_model)}
    lines = diff.content_differences(expected, actual)
    assert not lines, (f'one update after loading, {scenario.optimizer} differs from the '
                       'original (expected: original, got: loaded):\n' + '\n'.join(lines))


@rule('serialization', source='chainer/training/trainer.py:Trainer.serialize@v7.8.1')
@given(scenario=scenarios.small_scenarios(), shuffle=st.booleans())
def test_trainer_round_trips_through_save_npz(out_dir, ns, scenario, shuffle):
    """A trainer after k iterations loads into a freshly built trainer: its
    updater (iterator with its shuffled order, optimizer, model), stop
    trigger and extensions hold the saved content.  (The extension triggers
    are private; the resume properties check them through the call log.)"""
    scenario = dataclasses.replace(scenario, shuffle=shuffle)
    rig = training.trained(ns, scenario, out_dir, scenario.snapshot_at)
    fresh = training.build_trainer(ns, scenario, training.fresh_dir(out_dir), scenario.stop)
    saved = round_trips.save_and_load(ns, rig.trainer, fresh.trainer, out_dir)
    names = sorted({key.split('/')[1] for key in saved if key.startswith('extensions/')})
    saved = {k: v for k, v in saved.items()
             if k.split('/')[0] in ('updater', 'stop_trigger', 'extensions')}
    assert_same_content(saved, round_trips.trainer_parts(ns, fresh.trainer, names), 'the trainer')


@rule('serialization', source='chainer/training/trainer.py:Trainer.serialize@v7.8.1')
@given(scenario=scenarios.user_extension_scenarios(), calls=st.integers(1, 6))
def test_user_extension_round_trips_through_save_npz(out_dir, ns, user_extension, scenario,
                                                     calls):
    """The extension ``--extension`` names (ExponentialShift by default),
    after 1-6 iterations of training, loads into a fresh extension from the
    factory with the same content."""
    make, made = user_extension.maker(ns), []

    def make_and_keep(optimizer):
        made.append(make(optimizer))
        return made[-1]
    training.trained(ns, scenario, out_dir, calls, extensions=(make_and_keep,))
    fresh = make(round_trips.updated(ns, scenario, 0)[1])
    saved = training.serialized(ns, made[0])
    try:
        _, loaded = round_trips.round_trip(ns, made[0], fresh, out_dir)
    except Exception as error:
        raise AssertionError(
            f'{user_extension.label}: its snapshot after {calls} iterations does not load '
            'into a fresh extension:\n'
            + diff.explain_load_failure(error, saved, records.target_types(ns, fresh))) from error
    assert_same_content(saved, loaded, user_extension.label)


# --- layout -------------------------------------------------------------------------------

def snapshot_layout(ns, scenario, out_dir, scheduled, log_every=None):
    """With ``log_every``, the observers of ``round_trips.observers`` too."""
    trigger = round_trips.build_trigger(ns, scheduled)
    observers = () if log_every is None else round_trips.observers(ns, log_every, scenario.stop)
    rig = training.trained(ns, scenario, out_dir, scenario.snapshot_at,
                         extensions=(round_trips.triggered_by(trigger), *observers))
    path = f'{rig.out}/layout.npz'
    ns.serializers.save_npz(path, rig.trainer)
    return {k: (str(v.dtype), v.shape) for k, v in training.read_npz(path).items()}


@rule('serialization', source='chainer/training/trainer.py:Trainer.serialize@v7.8.1')
@given(scenario=scenarios.small_scenarios(), shuffle=st.booleans(),
       scheduled=scenarios.trigger_specs, log_every=st.none() | st.integers(1, 3))
def test_trainer_snapshot_has_chainers_key_names(out_dir, ns, scenario, shuffle, scheduled,
                                                 log_every):
    """``save_npz(file, trainer)`` writes exactly Chainer's keys: updater
    (iterator, optimizer and per-rule ``t`` and state, model), stop trigger,
    each extension's state and each extension trigger under its registered
    name (an interval trigger's previous position, a manual schedule's also
    ``finished``, a once trigger's ``_flag_first``), and the elapsed time
    (the I5 table); ``order`` only when shuffling.  With observers
    (``log_every``): ``MicroAverage``'s sums, ``LogReport``'s trigger, log
    and per-key summaries, ``PlotReport``'s points."""
    scenario = dataclasses.replace(scenario, shuffle=shuffle)
    expected = set(trainer_layout(scenario, scheduled.kind))
    if log_every is not None:
        expected |= observer_keys(log_every, scenario.snapshot_at)
    actual = set(snapshot_layout(ns, scenario, out_dir, scheduled, log_every))
    assert actual == expected, (
        f'snapshot keys differ from Chainer\'s layout:\n  missing: {sorted(expected - actual)}'
        f'\n  unexpected: {sorted(actual - expected)}')


@rule('serialization', level='quirk', source='chainer/serializers/npz.py:'
      'DictionarySerializer.__call__@v7.8.1')
@given(scenario=scenarios.small_scenarios(), shuffle=st.booleans(),
       scheduled=scenarios.trigger_specs)
def test_trainer_snapshot_has_chainers_dtypes_and_shapes(out_dir, ns, scenario, shuffle,
                                                         scheduled):
    """Each key of a trainer snapshot has Chainer's dtype and shape: Python
    ints as int64, floats as float64, bools as bool (a manual schedule's
    ``finished``, a once trigger's ``_flag_first``), arrays as they are
    (float32 parameters and states, an int64 order)."""
    scenario = dataclasses.replace(scenario, shuffle=shuffle)
    expected = trainer_layout(scenario, scheduled.kind)
    actual = snapshot_layout(ns, scenario, out_dir, scheduled)
    wrong = [f'  {k}: expected {expected[k]}, got {actual[k]}'
             for k in sorted(set(expected) & set(actual)) if expected[k] != actual[k]]
    assert not wrong, 'snapshot dtypes/shapes differ from Chainer\'s:\n' + '\n'.join(wrong)


@rule('serialization', source=NPZ.format('DictionarySerializer.__getitem__'))
@given(segments=serializers.path_segments, key=serializers.path_keys,
       value=serializers.stored_values)
def test_dictionary_serializer_keys_are_slash_joined_paths(out_dir, ns, segments, key, value):
    """``s[a][b](key, v)`` stores under ``a/b/key``: child names lose their
    surrounding slashes, the key its leading ones."""
    serializer = ns.serializers.DictionarySerializer()
    child = serializer
    for segment in segments:
        child = child[segment]
    child(key, value)
    expected = ''.join(s.strip('/') + '/' for s in segments) + key.lstrip('/')
    assert list(serializer.target) == [expected], (
        f'path {segments} + key {key!r}: expected key {expected!r}, got {list(serializer.target)}')


@rule('serialization', level='quirk', source=NPZ.format('DictionarySerializer.__call__'))
@given(value=serializers.stored_values)
def test_dictionary_serializer_stores_scalars_as_0d_arrays_and_none_as_object(out_dir, ns, value):
    """Python scalars are stored as 0-d arrays (int as int64, float as
    float64, bool, str as unicode), ``None`` as a 0-d object array holding
    None, and the call returns the value unchanged."""
    serializer = ns.serializers.DictionarySerializer()
    returned = serializer('k', value)
    stored = serializer.target['k']
    expected = numpy.asarray(value) if value is not None else numpy.asarray(None)
    assert returned is value
    assert isinstance(stored, numpy.ndarray) and diff.same_content(stored, expected), (
        f'{value!r} stored as {diff.describe_content(stored)}, '
        f'expected {diff.describe_content(expected)}')


@rule('serialization', source=NPZ.format('load_npz'))
@given(scenario=scenarios.small_scenarios())
def test_load_npz_path_loads_the_model_out_of_a_trainer_snapshot(out_dir, ns, scenario):
    """``load_npz(file, model, path='updater/model:main/')`` restores a model
    from a trainer snapshot (the ``path`` argument selects a subtree)."""
    rig = training.trained(ns, scenario, out_dir, scenario.snapshot_at)
    path = f'{rig.out}/trainer.npz'
    ns.serializers.save_npz(path, rig.trainer)
    model = training.build_model(ns, scenario)
    ns.serializers.load_npz(path, model, path='updater/model:main/')
    assert_same_content(training.serialized(ns, rig.model), training.serialized(ns, model),
                        'the model (via path=)')


@rule('serialization', level='quirk', source='chainer/optimizer.py:UpdateRule.serialize@v7.8.1')
@given(spec=scenarios.optimizer_specs())
def test_optimizer_saved_before_its_first_update_loads_only_without_state_keys(out_dir, ns, spec):
    """An optimizer saved before any update has no state keys.  Loading it
    strictly raises KeyError naming a missing state key if some enabled rule
    has state (its keys are expected); disabled rules and SGD's stateless
    rules load fine.  With ``strict=False`` the states stay uninitialised
    (SEMANTICS F6; chainer#5501)."""
    scenario = scenarios.TrainingScenario(n=4, batch_size=1, W=(0.5,), b=(0.0,), optimizer=spec)
    _, optimizer = round_trips.updated(ns, scenario, 0)
    path = f'{training.fresh_dir(out_dir)}/optimizer.npz'
    ns.serializers.save_npz(path, optimizer)
    stateful = [p for p in scenarios.PARAMS if p not in spec.disabled
                and update_rules.STATE_KEYS[spec.name]]
    _, fresh = round_trips.updated(ns, scenario, 0)
    if stateful:
        with pytest.raises(KeyError) as raised:
            ns.serializers.load_npz(path, fresh)
        keys = [f'{p}/{k}' for p in stateful
                for k in update_rules.state_keys(spec.name, {'amsgrad': False, **spec.kwargs})]
        assert any(k in str(raised.value) for k in keys), (
            f'KeyError {raised.value} names none of the missing state keys {keys}')
    else:
        ns.serializers.load_npz(path, fresh)
    _, lenient = round_trips.updated(ns, scenario, 0)
    ns.serializers.load_npz(path, lenient, strict=False)
    assert_same_content(training.serialized(ns, optimizer), training.serialized(ns, lenient),
                        f'{spec.name} (strict=False)')


# --- loaded scalar types ---------------------------------------------------------------------

@rule('serialization', source='chainer/serializer.py:AbstractSerializer.__call__@v7.8.1')
@given(saved=serializers.saved_scalars, target=serializers.scalar_targets)
def test_loaded_scalars_take_the_type_of_the_target(out_dir, ns, saved, target):
    """For scalars "the value argument is used just for determining the type
    of restored value": a saved scalar comes back as ``type(target)(saved)``
    (raising what that conversion raises); a saved ``None`` comes back as
    None; a ``None`` target receives the raw 0-d array."""
    assume(not scalar_load_refused(saved, target))
    if saved is None:
        expected = None
    elif target is None:
        expected = numpy.asarray(saved)
    else:
        try:
            expected = type(target)(numpy.asarray(saved))
        except (TypeError, ValueError) as error:     # e.g. int('abc')
            with pytest.raises(type(error)):
                records.load_scalar(ns, out_dir, saved, target)
            return
    loaded = records.load_scalar(ns, out_dir, saved, target)
    assert type(loaded) is type(expected) and diff.same_content(loaded, expected), (
        f'saved {saved!r} loaded into target {target!r}: expected {expected!r} '
        f'({type(expected).__name__}), got {loaded!r} ({type(loaded).__name__})')


@rule('serialization', level='quirk', source=NPZ.format('NpzDeserializer.__call__'))
@given(saved=serializers.saved_scalars, target=serializers.scalar_targets)
def test_loading_a_scalar_that_does_not_cast_safely_raises_type_error(out_dir, ns, saved,
                                                                      target):
    """A saved number whose dtype does not cast safely to the target's type
    (a float into an int, int64 into an int32, float64 into a float32)
    raises TypeError instead of converting."""
    assume(scalar_load_refused(saved, target))
    with pytest.raises(TypeError):
        records.load_scalar(ns, out_dir, saved, target)


# --- keys, strictness, ignore_names and files ---------------------------------------------

@rule('serialization', source=NPZ.format('NpzDeserializer'))
@example(spec=serializers.RecordSpec({'a': 1}, {'a': 2}), ignore=serializers.IgnoreSpec(
    (('key', 'zz'),), 'single'), dropped=['a'], strict=None, via='NpzDeserializer')
@given(spec=serializers.record_specs(), ignore=serializers.ignore_specs(),
       dropped=st.lists(st.sampled_from(serializers.RECORD_KEYS), max_size=2, unique=True),
       strict=st.sampled_from((None, True, False)),
       via=st.sampled_from(('load_npz', 'NpzDeserializer')))
def test_ignored_and_not_strictly_missing_keys_leave_the_target_as_it_is(
        out_dir, ns, spec, ignore, dropped, strict, via):
    """Through ``load_npz`` or ``NpzDeserializer``, at any depth of child
    deserializers: a key that ``ignore_names`` (a full key, a callable of the
    key, or a list or tuple of them) matches is left as it is, as is, with
    ``strict=False``, a key missing from the file; any other missing key
    raises KeyError (``strict`` defaults to True); every other key loads."""
    kwargs = {'ignore_names': records.ignore_names(ignore)}
    if strict is not None:
        kwargs['strict'] = strict
    load = records.load_record(ns, spec, out_dir, via=via, dropped=dropped, **kwargs)
    kept = {k for k in spec.saved if ignored(k, ignore.entries)
            or (strict is False and k in dropped)}
    what = f'{via}(ignore_names={ignore}, strict={strict}) without {dropped}'
    if any(k in dropped for k in spec.saved if k not in kept):
        assert isinstance(load.error, KeyError), (
            f'{what}: a missing key is neither ignored nor skipped, expected KeyError, got '
            f'{load.error!r}\n  record: {spec}')
        return
    assert load.error is None, f'{what} raised {load.error!r}\n  record: {spec}'
    expected = records.record_content(records.build_record(
        {k: spec.target[k] if k in kept else v for k, v in spec.saved.items()}))
    lines = diff.plain_differences(expected, load.content)
    assert not lines, f'{what}: loaded record differs\n  record: {spec}\n' + '\n'.join(lines)


IGNORE_MESSAGE = 'ignore_names needs to be a callable, string or list of them.'


@rule('serialization', level='quirk', source=NPZ.format('NpzDeserializer.__call__'))
@given(spec=serializers.record_specs(), ignore=serializers.ignore_specs(bad=True),
       via=st.sampled_from(('load_npz', 'NpzDeserializer')))
def test_an_ignore_names_entry_of_another_type_is_a_value_error_once_reached(
        out_dir, ns, spec, ignore, via):
    """An ``ignore_names`` entry that is neither a string nor a callable (an
    int, bytes, None) raises ValueError with Chainer's message when the scan
    of some key reaches it; if every key is matched by an entry before it,
    the load succeeds."""
    load = records.load_record(ns, spec, out_dir, via=via,
                              ignore_names=records.ignore_names(ignore))
    reached = any(ignored(k, ignore.entries) is ValueError for k in spec.saved)
    what = f'{via}(ignore_names={ignore})'
    if not reached:
        assert load.error is None, f'{what} raised {load.error!r}\n  record: {spec}'
        return
    assert isinstance(load.error, ValueError) and str(load.error) == IGNORE_MESSAGE, (
        f'{what}: expected ValueError({IGNORE_MESSAGE!r}), got {load.error!r}\n'
        f'  record: {spec}')


@rule('serialization', source=NPZ.format('save_npz'))
@given(spec=serializers.record_specs(), compression=st.sampled_from((None, True, False)),
       to=st.sampled_from(('path', 'file')), as_dict=st.booleans(), uncopyable=st.booleans())
def test_save_npz_writes_one_member_per_key_deflated_unless_compression_is_false(
        out_dir, ns, spec, compression, to, as_dict, uncopyable):
    """``save_npz`` to a path or a file object writes one ``.npy`` member per
    key of the object's ``serialize`` (or of a dict, written as it is):
    Python ints as int64, floats as float64, arrays as they are; members are
    deflated unless ``compression=False`` (default True).  ``load_npz``
    reads it back from the same kind of file, also into an object that
    cannot be deep-copied (it holds a lock)."""
    kwargs = {} if compression is None else {'compression': compression}
    saved = records.save_record(ns, spec, out_dir, to=to, as_dict=as_dict,
                               uncopyable=uncopyable, **kwargs)
    what = f'save_npz(<{to}>, <{"dict" if as_dict else "object"}>, **{kwargs})'
    method = zipfile.ZIP_STORED if compression is False else zipfile.ZIP_DEFLATED
    expected = {f'{k}.npy': method for k in spec.saved}
    assert saved.members == expected, (
        f'{what}: members (name: zip compression method) expected {expected}, '
        f'got {saved.members}')
    record = records.build_record(spec.saved)
    lines = diff.content_differences({k: numpy.asarray(v) for k, v in record.values.items()},
                                       saved.content)
    assert not lines, f'{what}: file content differs\n' + '\n'.join(lines)
    lines = diff.plain_differences(records.record_content(record), saved.loaded)
    assert not lines, f'{what}: loaded back with load_npz, the record differs\n' + '\n'.join(
        lines)


@rule('serialization', source=NPZ.format('NpzDeserializer.__getitem__'))
@given(segments=serializers.path_segments, key=serializers.path_keys,
       value=st.integers(1, 9))
def test_npz_deserializer_reads_the_slash_joined_path(ns, segments, key, value):
    """``d[a][b](key, target)`` reads ``a/b/key`` (child names without their
    surrounding slashes, the key without its leading ones), as
    ``DictionarySerializer`` writes it."""
    path = ''.join(s.strip('/') + '/' for s in segments) + key.lstrip('/')
    child = ns.serializers.NpzDeserializer({path: numpy.asarray(value)})
    for segment in segments:
        child = child[segment]
    try:
        loaded = child(key, 0)
    except KeyError as error:
        raise AssertionError(f'path {segments} + key {key!r} does not read {path!r}: '
                             f'KeyError {error}') from error
    assert loaded == value and type(loaded) is int, (
        f'path {segments} + key {key!r} read {loaded!r}, expected {value!r} from {path!r}')


@rule('serialization', source=NPZ.format('DictionarySerializer'))
@given(prefix=st.sampled_from(('', 'p/', 'p/q/')), given_target=st.booleans(),
       key=st.sampled_from(('x', 'y')))
def test_dictionary_serializer_writes_into_the_given_target_under_its_path(
        ns, prefix, given_target, key):
    """``DictionarySerializer(target, path)`` writes into ``target`` (a new
    dict when None), keeping what it holds, under keys prefixed by ``path``."""
    existing = {'kept': numpy.asarray(1)} if given_target else None
    serializer = ns.serializers.DictionarySerializer(existing, prefix)
    serializer(key, 2)
    if given_target:
        assert serializer.target is existing, 'target is not the dict given'
    expected = ['kept'] * given_target + [prefix + key]
    assert sorted(serializer.target) == sorted(expected), (
        f'DictionarySerializer(target, {prefix!r})({key!r}, 2): expected keys {expected}, '
        f'got {sorted(serializer.target)}')


UNSUPPORTED_MESSAGE = 'Array cannot be converted into an numpy.ndarray\nActual type: {}.'


@rule('serialization', level='quirk', source='chainer/backends/_cpu.py:_array_to_cpu@v7.8.1')
@given(value=st.sampled_from((object(), {'a': 1}, {1, 2}, slice(1))))
def test_saving_a_value_of_no_array_type_raises_type_error(ns, value):
    """A value that is no array, scalar or None (an object, dict, set, ...)
    raises TypeError with Chainer's message, which names its type."""
    with pytest.raises(TypeError) as raised:
        ns.serializers.DictionarySerializer()('k', value)
    expected = UNSUPPORTED_MESSAGE.format(type(value))
    assert str(raised.value) == expected, (
        f'storing {value!r}: message\n expected: {expected!r}\n got:      '
        f'{str(raised.value)!r}')


@rule('serialization', level='quirk', source=NPZ.format('load_npz'))
@given(spec=serializers.record_specs())
def test_a_serialize_method_sees_every_key_of_the_file_through_npz(out_dir, ns, spec):
    """While ``load_npz`` loads, the deserializer's ``npz`` is the opened
    file as a mapping: its keys (member names without ``.npy``), its
    length, membership, and each array."""
    path = os.path.join(training.fresh_dir(out_dir), 'record.npz')
    record = records.build_record(spec.saved)
    ns.serializers.save_npz(path, record)
    reader = records.ArchiveReader()
    ns.serializers.load_npz(path, reader)
    expected = (len(spec.saved), {k: records.plain_array(v) for k, v in record.values.items()})
    assert reader.seen == expected, (
        f'serializer.npz seen while loading\n expected: {expected}\n got:      {reader.seen}')


@rule('serialization', level='quirk', source=NPZ.format('load_npz'))
@given(spec=serializers.record_specs(), data=st.data())
def test_a_member_without_the_npy_suffix_loads_under_its_full_name(out_dir, ns, spec, data):
    """A file's members are keyed by their name less the ``.npy`` suffix,
    and a member written without that suffix (by a tool other than
    ``save_npz``) by its full name, as ``numpy.load`` keys them."""
    unsuffixed = data.draw(st.lists(st.sampled_from(sorted(spec.saved)), unique=True))
    loaded = records.load_handwritten(ns, spec, out_dir, unsuffixed)
    expected = records.record_content(records.build_record(spec.saved))
    lines = diff.plain_differences(expected, loaded)
    assert not lines, (f'members {unsuffixed} written without .npy: loaded record differs\n'
                       + '\n'.join(lines))


@rule('serialization', source=NPZ.format('load_npz'))
@given(shape=st.tuples(st.integers(1, 3), st.integers(2, 3)),
       dtype=st.sampled_from(('float32', 'float64', 'int32')),
       version=st.sampled_from(((1, 0), (2, 0), (3, 0))), fortran=st.booleans(),
       deflated=st.booleans())
def test_npy_members_of_any_format_version_and_memory_order_load(
        out_dir, ns, shape, dtype, version, fortran, deflated):
    """``load_npz`` reads a member as ``numpy.load`` does whatever ``.npy``
    format version it was written in (1.0, 2.0 with its 4-byte header
    length, 3.0), in C or Fortran order, stored or deflated: a file written
    by a tool other than ``save_npz`` loads element for element."""
    saved = numpy.arange(1, 1 + numpy.prod(shape)).reshape(shape).astype(dtype)
    if fortran:
        saved = numpy.asfortranarray(saved)
    spec = serializers.RecordSpec({'w': saved}, {'w': numpy.zeros(shape, dtype)})
    compression = zipfile.ZIP_DEFLATED if deflated else zipfile.ZIP_STORED
    what = (f'a {"deflated" if deflated else "stored"} .npy member, format {version}, '
            f'{"Fortran" if fortran else "C"} order, {dtype} {shape}')
    try:
        loaded = records.load_handwritten(ns, spec, out_dir, version=version,
                                          compression=compression)
    except Exception as error:
        raise AssertionError(f'{what}: load_npz raised {error!r}') from error
    expected = records.record_content(records.build_record({'w': numpy.array(saved)}))
    lines = diff.plain_differences(expected, loaded)
    assert not lines, f'{what}: loaded values differ\n' + '\n'.join(lines)


@rule('serialization', source='chainer/serializer.py:AbstractSerializer.__call__@v7.8.1')
@given(target=st.sampled_from((0, 0.5, True, 'abc', None)))
def test_a_none_saved_by_numpy_2_loads_as_none(out_dir, ns, target):
    """A ``None`` saved under NumPy 2 (a protocol-4 pickle naming
    ``numpy._core``, as ``numpy.save`` of NumPy 2.4 writes it) loads as
    ``None``, like one saved under NumPy 1: the file format does not depend
    on the NumPy version that wrote it."""
    loaded = damaged.load_member(ns, out_dir, damaged.numpy2_none_npy(), target)
    assert loaded is None, (
        f'a None saved by NumPy 2, loaded into {target!r}, gave {loaded!r}')
