"""A property's failing example as data that survives hypothesis releases.

Hypothesis's ``@reproduce_failure`` blob encodes the choices it made, so it
replays only under the hypothesis version that wrote it.  The *arguments*
those choices produced do not depend on hypothesis: ``to_data`` turns them
into JSON-ready data (scenario dataclasses by class name, NumPy arrays and
scalars with their dtype, tuples marked as tuples) and ``from_data`` builds
the same arguments again, so an expected failure replays its example under
any hypothesis version by calling the property's body with them.

An argument that is not plain data (``st.data()``'s interactive draws, a
function) makes ``to_data`` raise ``NotData``; such a failure keeps only the
blob.  Data naming a class the suite no longer has raises ``NotData`` too.

``replaying`` is the one place a blob is replayed (by the plugin for an
expected failure, by ``script`` when it records a failure script, by a
``repro`` script), and ``each_example`` the one place a property's examples
are watched (the arguments the report keeps, the recording's fresh start).
"""
import contextlib
import dataclasses
import functools
import importlib
import json
import pkgutil

import hypothesis
import numpy

VERSION = 1


# What ``hypothesis.reproduce_failure`` sets on a test; read back to undo it,
# since the parametrizations of one property share the function.
_REPLAY_ATTRIBUTE = '_hypothesis_internal_use_reproduce_failure'


class NotData(ValueError):
    """A value that cannot be written as example data, or read back."""


@contextlib.contextmanager
def replaying(test, blob):
    """Run the hypothesis property ``test`` (a function or a method) on the
    counterexample ``blob``, ``(hypothesis version, blob text)``, as its only
    example inside the block; a blob that no longer fails raises
    ``hypothesis.errors.DidNotReproduce`` when the property runs."""
    function = getattr(test, '__func__', test)
    previous = getattr(function, _REPLAY_ATTRIBUTE, None)
    hypothesis.reproduce_failure(blob[0], blob[1].encode())(function)
    try:
        yield
    finally:
        setattr(function, _REPLAY_ATTRIBUTE, previous)


@contextlib.contextmanager
def each_example(test, call):
    """Inside the block, call ``call(kwargs)`` before each example hypothesis
    runs of the property ``test``, with the example's keyword arguments."""
    given = test.hypothesis
    inner = given.inner_test

    @functools.wraps(inner)      # hypothesis prints the test's name in a failure
    def recording(*args, **kwargs):
        call(kwargs)
        return inner(*args, **kwargs)

    given.inner_test = recording
    try:
        yield
    finally:
        given.inner_test = inner


def to_data(value):
    if isinstance(value, numpy.generic):
        return {'__scalar__': value.dtype.str, 'value': to_data(value.item())}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if numpy.isfinite(value) else {'__float__': repr(value)}
    if isinstance(value, numpy.ndarray) and value.dtype != object:
        return {'__array__': value.dtype.str, 'shape': list(value.shape),
                'data': to_data(value.tolist())}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {'__type__': _name(type(value)),
                **{f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, tuple):
        return {'__tuple__': [to_data(v) for v in value]}
    if isinstance(value, list):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {'__dict__': [[to_data(k), to_data(v)] for k, v in value.items()]}
    raise NotData(f'a {type(value).__name__} is not example data')


def from_data(data):
    if isinstance(data, list):
        return [from_data(v) for v in data]
    if not isinstance(data, dict):
        return data
    if '__scalar__' in data:
        return numpy.dtype(data['__scalar__']).type(from_data(data['value']))
    if '__float__' in data:
        return float(data['__float__'])
    if '__array__' in data:
        return numpy.array(from_data(data['data']),
                           dtype=numpy.dtype(data['__array__'])).reshape(data['shape'])
    if '__tuple__' in data:
        return tuple(from_data(v) for v in data['__tuple__'])
    if '__dict__' in data:
        return {_hashable(from_data(k)): from_data(v) for k, v in data['__dict__']}
    if '__type__' in data:
        cls = _classes().get(data['__type__'])
        if cls is None:
            raise NotData(f"the suite has no scenario class {data['__type__']!r}")
        fields = {k: from_data(v) for k, v in data.items() if k != '__type__'}
        try:
            return cls(**fields)
        except TypeError as e:
            raise NotData(f"{data['__type__']} takes other fields now: {e}") from None
    raise NotData(f'unknown example data {data!r}')


def dumps(arguments):
    """The JSON text of a property's generated keyword arguments."""
    return json.dumps({'version': VERSION,
                       'arguments': {name: to_data(v) for name, v in arguments.items()}},
                      sort_keys=True, separators=(',', ':'))


def loads(text):
    """The keyword arguments ``dumps`` wrote; ``NotData`` if they cannot be built."""
    try:
        document = json.loads(text)
    except ValueError as e:
        raise NotData(f'not JSON: {e}') from None
    if not isinstance(document, dict) or document.get('version') != VERSION \
            or not isinstance(document.get('arguments'), dict):
        raise NotData(f'example data of another format (expected version {VERSION})')
    return {name: from_data(v) for name, v in document['arguments'].items()}


def _hashable(key):
    return tuple(_hashable(k) for k in key) if isinstance(key, list) else key


def _name(cls):
    """``module.Class`` under ``conformance.strategies`` (class names repeat)."""
    name = f"{cls.__module__.removeprefix('conformance.strategies.')}.{cls.__qualname__}"
    if _classes().get(name) is not cls:
        raise NotData(f'{cls.__module__}.{cls.__qualname__} is not a scenario class of '
                      'the suite')
    return name


_CLASSES = None


def _classes():
    """The dataclasses of ``conformance.strategies``, by ``module.Class``."""
    global _CLASSES
    if _CLASSES is None:
        from conformance import strategies
        found = {}
        for info in pkgutil.iter_modules(strategies.__path__):
            module = importlib.import_module(f'conformance.strategies.{info.name}')
            for value in vars(module).values():
                if (isinstance(value, type) and dataclasses.is_dataclass(value)
                        and value.__module__ == module.__name__):
                    found[f'{info.name}.{value.__qualname__}'] = value
        _CLASSES = found
    return _CLASSES
