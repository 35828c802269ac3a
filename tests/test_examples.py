"""Failing examples as data (conformance/examples.py): what a property was
called with is written and built again exactly, types and bits included."""
import math

import numpy
import pytest

from conformance import examples
from conformance.strategies import snapshot, trainer


def test_scenarios_numpy_values_and_containers_round_trip():
    arguments = {
        'case': snapshot.RESHAPED_LAST_VALUE_EXAMPLE,       # nested frozen dataclasses
        'schedule': trainer.IntervalSpec(2, 'iteration'),
        'scalar': numpy.float16(0.1), 'array': numpy.arange(6, dtype=numpy.float32).reshape(2, 3),
        'pair': (1, 'epoch'), 'keys': {('a', 1): [1.5, -0.0]}, 'none': None, 'flag': True}
    back = examples.loads(examples.dumps(arguments))
    assert back.keys() == arguments.keys()
    for name in ('case', 'schedule', 'pair', 'keys', 'none', 'flag'):
        assert back[name] == arguments[name] and type(back[name]) is type(arguments[name])
    assert type(back['scalar']) is numpy.float16 and back['scalar'] == arguments['scalar']
    assert back['array'].dtype == numpy.float32 and back['array'].tobytes() == \
        arguments['array'].tobytes()
    assert math.copysign(1, back['keys'][('a', 1)][1]) == -1.0


def test_non_finite_floats_round_trip():
    back = examples.loads(examples.dumps({'values': [math.inf, -math.inf, math.nan]}))
    assert back['values'][:2] == [math.inf, -math.inf] and math.isnan(back['values'][2])


@pytest.mark.parametrize('value', [lambda: 1, object(), numpy.array([object()])])
def test_what_is_not_data_is_refused(value):
    with pytest.raises(examples.NotData):
        examples.dumps({'x': value})


@pytest.mark.parametrize('text, complaint', [
    ('not json', 'not JSON'),
    ('{"version": 99, "arguments": {}}', 'another format'),
    ('{"version": 1, "arguments": {"x": {"__type__": "snapshot.Gone"}}}', 'no scenario class'),
    ('{"version": 1, "arguments": {"x": {"__type__": "snapshot.Damage", "nope": 1}}}',
     'takes other fields'),
])
def test_data_that_cannot_be_built_says_why(text, complaint):
    with pytest.raises(examples.NotData, match=complaint):
        examples.loads(text)
