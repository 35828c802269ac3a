"""A failure's one-line reason in the report names every cause hypothesis found."""
import types

from conformance import reporting


def _report(message):
    return types.SimpleNamespace(longrepr=types.SimpleNamespace(reprcrash=types.SimpleNamespace(message=message)))


def test_a_single_failure_keeps_its_message_without_pytests_rewriting():
    message = reporting._message(_report('AssertionError: fired at [2]\nassert [2] == [3]'),
                                 error=AssertionError('fired at [2]'))
    assert message == 'AssertionError: fired at [2]'


def test_several_distinct_failures_list_the_first_line_of_each():
    group = ExceptionGroup('Hypothesis found 2 distinct failures.', [
        TypeError("__init__() got an unexpected keyword argument 'amsgrad'\nmore"),
        AssertionError('differs from the model of Chainer 7.8.1 at iteration 3')])
    message = reporting._message(
        _report('ExceptionGroup: Hypothesis found 2 distinct failures. (2 sub-exceptions)'), error=group)
    assert message.splitlines() == [
        'ExceptionGroup: Hypothesis found 2 distinct failures. (2 sub-exceptions)',
        "  1. TypeError: __init__() got an unexpected keyword argument 'amsgrad'",
        '  2. AssertionError: differs from the model of Chainer 7.8.1 at iteration 3']
