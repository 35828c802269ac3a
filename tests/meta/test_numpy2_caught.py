"""Breakages only NumPy 2 can show (NEP 50: a NumPy scalar and a Python
float compute differently with a float32 array).  The NumPy 2 lanes of
``make test`` run this file; under NumPy 1 there is nothing to catch.
"""
import numpy
import pytest

from tests.meta.suite_runner import assert_caught

pytestmark = pytest.mark.skipif(
    int(numpy.__version__.split('.')[0]) < 2,
    reason='NumPy 1 computes alike with a NumPy scalar and a Python float; '
           'the NumPy 2 lanes of make test run this file')


def test_a_stepshift_resumed_as_a_python_float_is_caught(pytester):
    assert_caught(pytester, 'resume_stepshift_restores_a_python_float', 'test_resume.py',
                  {'test_resume_keeps_the_scalar_type_of_a_shifted_value'})
