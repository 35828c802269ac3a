"""Values and user objects for the serializer properties of the
serialization family: scalars and their load targets, serializer paths,
and records (a user's object holding a few values under nested keys) with
the ``ignore_names`` arguments that skip some of them (plain data, played
by ``runners/records.py``).
"""
import dataclasses

import numpy
from hypothesis import strategies as st


# Saved values and deserialization targets of NpzDeserializer (SEMANTICS I3).
saved_scalars = st.one_of(
    st.integers(-5, 5), st.floats(-2.0, 2.0), st.booleans(), st.text('abc', max_size=3),
    st.none(), st.integers(-5, 5).map(numpy.int32), st.floats(-2.0, 2.0).map(numpy.float32))
scalar_targets = st.sampled_from((0, 0.0, False, '', None, numpy.int32(0), numpy.float32(0)))


# Path segments as users write them (leading/trailing slashes included).
path_segments = st.lists(st.sampled_from(('a', '/b', 'c/', '/d/', 'e/f', '/X/', 'Xg')),
                         max_size=3)
# Keys as ``serialize`` methods pass them (a leading slash, or a trailing one, kept).
path_keys = st.sampled_from(('x', '/x', 'y/', 'X', '/Xy'))
stored_values = st.one_of(st.integers(-3, 3), st.floats(-1.0, 1.0), st.booleans(),
                          st.text('xyz', max_size=3), st.none())


# --- records: a user object with a few values under nested keys ------------------------

# ``/`` separates the child serializers a record's ``serialize`` walks.
RECORD_KEYS = ('a', 'b', 'c/d', 'c/e', 'f/g/h')
_RECORD_VALUES = {
    'int': st.integers(-9, 9),
    'float': st.floats(-2.0, 2.0),
    'array': st.tuples(st.floats(-2.0, 2.0, width=32), st.floats(-2.0, 2.0, width=32)),
}


@dataclasses.dataclass(frozen=True)
class RecordSpec:
    """Values by key (int, float, or a pair: a float32 array) of the record
    that is saved and of the record of the same keys and types loaded into;
    each target value differs from the saved one, so a skipped key shows."""
    saved: dict
    target: dict


@st.composite
def record_specs(draw):
    keys = draw(st.lists(st.sampled_from(RECORD_KEYS), min_size=1, unique=True))
    saved, target = {}, {}
    for key in keys:
        values = _RECORD_VALUES[draw(st.sampled_from(sorted(_RECORD_VALUES)))]
        saved[key] = draw(values)
        target[key] = draw(values.filter(lambda v, s=saved[key]: v != s))
    return RecordSpec(saved, target)


@dataclasses.dataclass(frozen=True)
class IgnoreSpec:
    """An ``ignore_names`` argument: ``entries`` are ``('key', full key)``,
    ``('prefix', start)`` (a callable ``key.startswith(start)``) or
    ``('bad', value)`` (of no accepted type); ``form`` is ``'single'`` (the
    one entry itself), ``'list'`` or ``'tuple'``."""
    entries: tuple
    form: str


_GOOD_ENTRIES = st.one_of(
    st.tuples(st.just('key'), st.sampled_from(RECORD_KEYS + ('c', 'zz'))),
    st.tuples(st.just('prefix'), st.sampled_from(('c/', 'f', 'a', 'zz'))))


@st.composite
def ignore_specs(draw, bad=False):
    """Valid ``ignore_names``; with ``bad``, a list or tuple with one entry
    of no accepted type (an int, bytes or None) among valid ones."""
    entries = draw(st.lists(_GOOD_ENTRIES, min_size=0 if bad else 1, max_size=3))
    if bad:
        at = draw(st.integers(0, len(entries)))
        entries.insert(at, ('bad', draw(st.sampled_from((3, b'c/d', None)))))
        return IgnoreSpec(tuple(entries), draw(st.sampled_from(('list', 'tuple'))))
    forms = ('single', 'list', 'tuple') if len(entries) == 1 else ('list', 'tuple')
    return IgnoreSpec(tuple(entries), draw(st.sampled_from(forms)))
