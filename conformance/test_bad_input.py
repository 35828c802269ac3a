"""Loading damaged snapshot files (family 'bad-input').

A trainer snapshot is damaged in one way: truncated, a member's bytes
corrupted, a key dropped, a value of the wrong shape or of a dtype kind the
target cannot take, text where a number is expected, an object member whose
unpickling would run code (in any .npy format version), or one whose bytes are
not a pickle at all.
It is then loaded with ``load_npz`` into a trainer of the same scenario that
trained a different number of iterations, so any entry a load touches shows.

Chainer's documentation promises an error for a missing key in strict mode,
and loading of the documented value domain (scalars, arrays, strings,
``None``: AbstractSerializer.__call__).  It says nothing about atomic loads or
about error messages, and Chainer's own source calls its pickle-enabled
loading a historical security issue ("NPZ serializers in Chainer allow pickle
despite their potential security issues.  This behavior may be changed in
future.", serializers/npz.py).  The properties that go beyond what Chainer
does (atomic, named, no unpickling) are level ``hardening`` and carry
``@diverges('chainer')`` with the
reason; they are requirements of this suite for any implementation that loads
snapshots it did not write itself.

A trigger unit other than ``'epoch'`` or ``'iteration'`` is refused when the
trigger is built, with a ValueError that names the two units.
"""
import os

import numpy
from hypothesis import example, given, strategies as st

from conformance import diff
from conformance.models.serialization import guessed_on_load
from conformance.models.triggers import legacy_trigger_decision, legacy_trigger_warnings
from conformance.runners import damaged, training
from conformance.spec import diverges, rule
from conformance.strategies import snapshot as scenarios

LOAD = 'chainer/serializers/npz.py:load_npz@v7.8.1'
UNIT = 'chainer/training/triggers/interval_trigger.py:IntervalTrigger.__init__@v7.8.1'
UNIT_MESSAGE = "Trigger unit must be either 'epoch' or 'iteration'."

# Near misses first (a plural, a capital, a synonym), then any other text.
bad_units = st.sampled_from(('epochs', 'iterations', 'Epoch', 'ITERATION', 'step', '')) | \
    st.text(max_size=12).filter(lambda unit: unit not in ('epoch', 'iteration'))
CALL = 'chainer/serializers/npz.py:NpzDeserializer.__call__@v7.8.1'

# Damages every load must refuse (on a target that already has its states).
REFUSED = ('truncate', 'corrupt', 'reshape', 'retype', 'garble')


def _what(attempt, case):
    hit = f' at {attempt.key!r}' if attempt.key else ''
    return f'{case.damage.kind}{hit} ({os.path.basename(attempt.path)})'


def _unchanged_from_file(attempt):
    """A corruption can hit bits deflate ignores: then the file loads as if
    undamaged, which is fine."""
    if attempt.after is None:
        return False
    keys = set(attempt.saved) - {training.ELAPSED}
    return all(diff.same_content(attempt.saved[k], attempt.after.get(k)) for k in keys)


@rule('bad-input', source=LOAD)
@given(case=scenarios.bad_inputs(kinds=('drop',)))
def test_snapshot_missing_a_key_fails_with_key_error_naming_it(out_dir, ns, case):
    """In strict mode (the default) "the deserializer raises an error when an
    expected value is not found": a snapshot without one of the keys the
    trainer reads raises KeyError whose message names the full key."""
    attempt = damaged.attempt_damaged_load(ns, case, out_dir,
                                          keys=lambda k: not guessed_on_load(k))
    assert isinstance(attempt.error, KeyError), (
        f'loading a snapshot without {attempt.key!r}: expected KeyError, got {attempt.error!r}')
    assert attempt.key in str(attempt.error), (
        f'the KeyError for the missing {attempt.key!r} does not name it: {attempt.error}')


@rule('bad-input', level='quirk',
      source='chainer/training/triggers/interval_trigger.py:IntervalTrigger.serialize@v7.8.1')
@given(case=scenarios.bad_inputs(kinds=('drop',)))
def test_snapshot_missing_a_trigger_position_loads_with_a_warning(out_dir, ns, case):
    """A missing ``previous_iteration``/``previous_epoch_detail`` of a trigger
    or of the iterator does not fail: the object guesses it from the current
    position, triggers with a UserWarning, the iterator silently (SEMANTICS
    C4, D7)."""
    attempt = damaged.attempt_damaged_load(ns, case, out_dir, keys=guessed_on_load)
    assert attempt.error is None, (
        f'loading a snapshot without {attempt.key!r} raised {attempt.error!r}; it should '
        'be guessed')
    if not attempt.key.startswith('updater/'):
        assert attempt.warned, f'loading a snapshot without {attempt.key!r} gave no warning'


@rule('bad-input', source=LOAD)
@given(case=scenarios.bad_inputs(kinds=REFUSED))
def test_damaged_snapshot_fails_to_load(out_dir, ns, case):
    """A truncated file, a corrupted member, a value of the wrong shape (one
    row too many; two elements for a scalar) or of a dtype kind the target
    cannot take (complex for float, float for int or bool), or an object
    member whose bytes are no pickle, raises; only a
    corruption of bits the compression ignores may load, and then it loads
    the undamaged content."""
    attempt = damaged.attempt_damaged_load(ns, case, out_dir)
    if attempt.error is None:
        assert case.damage.kind == 'corrupt' and _unchanged_from_file(attempt), (
            f'{_what(attempt, case)} loaded without an error')


@rule('bad-input', level='hardening', source=LOAD)
@diverges('chainer', reason='Chainer\'s docs do not promise it: the messages come from '
          'zipfile and NumPy ("File is not a zip file", "could not broadcast input array '
          'from shape ...") and name neither the file nor the key',
          source=CALL)
@example(case=scenarios.TRUNCATED_EXAMPLE)
@example(case=scenarios.RESHAPED_LAST_VALUE_EXAMPLE)
@example(case=scenarios.RETYPED_LAST_VALUE_EXAMPLE)
@given(case=scenarios.bad_inputs(kinds=REFUSED + ('drop', 'pickle', 'text')))
def test_failed_load_names_the_key_or_the_file(out_dir, ns, case):
    """When loading a damaged snapshot fails, the error message names the key
    it failed on, or the file when the damage is to the file as a whole."""
    attempt = damaged.attempt_damaged_load(ns, case, out_dir)
    if attempt.error is not None:
        message = str(attempt.error)
        named = [n for n in (attempt.key, attempt.path, os.path.basename(attempt.path)) if n]
        assert any(n in message for n in named), (
            f'{_what(attempt, case)}: the error names neither the key nor the file: '
            f'{type(attempt.error).__name__}: {message}')


@rule('bad-input', level='hardening', source=LOAD)
@diverges('chainer', reason='Chainer\'s docs do not promise it: NpzDeserializer copies each '
          'entry into the target as it reads it ("the restored elements are directly copied '
          'into the value argument"), so entries read before the failing one stay loaded',
          source=CALL)
@example(case=scenarios.LAST_KEY_MISSING_EXAMPLE)
@given(case=scenarios.bad_inputs(kinds=REFUSED + ('drop', 'pickle', 'text')))
def test_failed_load_leaves_the_target_unchanged(out_dir, ns, case):
    """When loading a damaged snapshot fails, the target trainer is exactly as
    it was: no parameter, state, position or extension state half-loaded."""
    attempt = damaged.attempt_damaged_load(ns, case, out_dir)
    if attempt.error is not None:
        assert attempt.after is not None, (
            f'{_what(attempt, case)}: after the failed load the trainer cannot be serialized')
        lines = diff.content_differences(attempt.before, attempt.after)
        assert not lines, (
            f'{_what(attempt, case)} raised {type(attempt.error).__name__} but changed the '
            'target (expected: before, got: after):\n' + '\n'.join(lines))


#: a parameter of more elements than any small-array path of a load would take
LARGE = (32, 40)
LARGE_DAMAGES = {
    'retype': lambda v: v.astype(numpy.complex128) + 1j,     # no cast to a real target
    'reshape': lambda v: numpy.resize(v, (2,) + v.shape[1:] if v.ndim else (2,)),
    'drop': None,
    'widen': lambda v: v.astype(numpy.float64),             # loads: a same-kind cast
}


@rule('bad-input', level='hardening', source=LOAD)
@diverges('chainer', reason='Chainer\'s docs do not promise it: NpzDeserializer copies each '
          'entry into the target as it reads it, so a link\'s parameters are loaded before '
          'a failing persistent value (Link.serialize reads parameters first)', source=CALL)
@example(damage='retype', at='count')
@given(damage=st.sampled_from(sorted(LARGE_DAMAGES)), at=st.sampled_from(('w', 'count')))
def test_a_failed_load_leaves_a_link_with_a_large_parameter_unchanged(
        out_dir, ns, damage, at):
    """The all-or-nothing load holds whatever the arrays' size: loading into
    a link with a parameter ``w`` of 1280 elements and a persistent
    ``count`` a file where one of them cannot be loaded (a complex value, a
    wrong shape, a missing key, a float ``count``) fails and leaves both as
    they were; a wider float ``w`` (float64 into float32) loads."""
    link = ns.Link()
    with link.init_scope():
        link.w = ns.Parameter(numpy.arange(numpy.prod(LARGE), dtype=numpy.float32).reshape(LARGE))
    link.add_persistent('count', 3)
    saved = {'w': link.w.array * 2 + 1, 'count': numpy.asarray(7)}
    if damage == 'drop':
        del saved[at]
    else:
        saved[at] = LARGE_DAMAGES[damage](saved[at])
    path = os.path.join(training.fresh_dir(out_dir), 'link.npz')
    numpy.savez(path, **saved)
    before = (link.w.array.copy(), link.count)
    what = f'{damage} {at!r}'
    try:
        ns.serializers.load_npz(path, link)
    except Exception as error:
        assert damage != 'widen' or at != 'w', f'{what}: load_npz raised {error!r}'
        assert numpy.array_equal(link.w.array, before[0]) and link.count == before[1], (
            f'{what}: load_npz raised {type(error).__name__} but changed the link: '
            f'w {"changed" if not numpy.array_equal(link.w.array, before[0]) else "kept"}, '
            f'count {before[1]!r} -> {link.count!r}')
        return
    assert damage == 'widen' and at == 'w', f'{what}: load_npz loaded without an error'
    assert numpy.array_equal(link.w.array, saved['w'].astype(numpy.float32)), (
        f'{what}: w not loaded from the file')


@rule('bad-input', level='hardening', source=LOAD)
@diverges('chainer', reason='load_npz opens files with numpy.load(allow_pickle=True), which '
          'unpickles object members; npz.py says NPZ serializers "allow pickle despite their '
          'potential security issues. This behavior may be changed in future", and the '
          'documented values (AbstractSerializer.__call__) are scalars, arrays, str and None',
          source='chainer/serializers/npz.py:load_npz@v7.8.1')
@example(case=scenarios.PICKLE_EXAMPLE)
@given(case=scenarios.bad_inputs(kinds=('pickle',)))
def test_load_npz_never_unpickles_snapshot_content(out_dir, ns, case):
    """An object member whose unpickling would call a function (a harmless
    tripwire in the suite), written in .npy format 1.0, 2.0 or 3.0, is never
    unpickled: the load fails without running it (a saved ``None`` still
    loads, see the round-trip properties)."""
    attempt = damaged.attempt_damaged_load(ns, case, out_dir)
    assert not attempt.unpickled, (
        f'loading {_what(attempt, case)} unpickled it and ran its code '
        f'(load_npz {"raised " + repr(attempt.error) if attempt.error else "returned"})')
    assert attempt.error is not None, f'{_what(attempt, case)} loaded without an error'


@rule('bad-input', level='quirk',
      source='chainer/training/triggers/manual_schedule_trigger.py:'
      'ManualScheduleTrigger.serialize@v7.8.1')
@given(spec=scenarios.trigger_specs, scenario=scenarios.small_scenarios(),
       iterations=st.integers(1, 8))
@example(*scenarios.LEGACY_PAST_LAST_POINT)
@example(*scenarios.LEGACY_GUESSED_PREVIOUS)
def test_trigger_loaded_without_its_keys_warns_and_guesses_its_position(out_dir, ns, spec,
                                                                        scenario, iterations):
    """A trigger loaded from a snapshot lacking its keys warns with Chainer's
    message for each key, then guesses at its next call: previous iteration
    ``iteration - 1``, previous epoch detail from the updater, ``finished``
    recomputed; a once trigger takes itself as already called (SEMANTICS C4)."""
    iterations = min(iterations, scenario.stop)
    load = damaged.legacy_trigger_load(ns, spec, scenario, out_dir, iterations)
    expected = legacy_trigger_warnings(spec.kind)
    # Distinct messages: an atomic load may serialize twice (test_bad_input hardening).
    warned = list(dict.fromkeys(load.warned))
    assert warned == expected, (
        f'{spec}: warnings on a keyless load\n expected: {expected}\n got:      {warned}')
    fired, finished = legacy_trigger_decision(spec, load)
    assert (load.fired, load.finished) == (fired, finished), (
        f'{spec} at iteration {load.iteration} (epoch {load.epoch_detail}, previous '
        f'{load.previous_epoch_detail}) after a keyless load: expected (fired, finished) '
        f'{(fired, finished)}, got {(load.fired, load.finished)}')


def _unit_error(ns, unit, via):
    """The ValueError raised while building a trigger with ``unit``, or None."""
    build = {
        'IntervalTrigger': lambda: ns.training.triggers.IntervalTrigger(2, unit),
        'ManualScheduleTrigger': lambda: ns.training.triggers.ManualScheduleTrigger([2], unit),
        'get_trigger': lambda: ns.training.get_trigger((2, unit)),
    }[via]
    try:
        build()
    except ValueError as error:
        return error
    return None


@rule('bad-input', source=UNIT)
@given(unit=bad_units, via=st.sampled_from(('IntervalTrigger', 'ManualScheduleTrigger',
                                            'get_trigger')))
def test_unknown_trigger_unit_raises_value_error_naming_the_units(ns, unit, via):
    """A unit other than 'epoch' or 'iteration' raises ValueError when the
    trigger is built (directly or through ``get_trigger``), and the message
    names both valid units so the user sees what to write instead."""
    error = _unit_error(ns, unit, via)
    assert error is not None, f'{via} with unit {unit!r} was built without a ValueError'
    message = str(error)
    assert "'epoch'" in message and "'iteration'" in message, (
        f'{via} with unit {unit!r}: the ValueError does not name the valid units '
        f"'epoch' and 'iteration': {message!r}")


@rule('bad-input', level='quirk', source=UNIT)
@given(unit=bad_units, via=st.sampled_from(('IntervalTrigger', 'ManualScheduleTrigger',
                                            'get_trigger')))
def test_unknown_trigger_unit_message_is_chainers(ns, unit, via):
    """The unit error's message is Chainer's, word for word."""
    error = _unit_error(ns, unit, via)
    assert error is not None, f'{via} with unit {unit!r} was built without a ValueError'
    assert str(error) == UNIT_MESSAGE, (
        f'{via} with unit {unit!r}: message\n expected: {UNIT_MESSAGE!r}\n got:      '
        f'{str(error)!r}')
