"""Reproduce test_value_triggers.py::test_early_stopping_compares_the_interval_mean_even_when_the_check_iteration_lacks_it on chainer 6.7.0 (.matrix/chainer-6.7.0-py3.11/lib/python3.11/site-packages/chainer/__init__.py).

    python repro_test_early_stopping_compares_the_interval_mean_even_when_the_check_iteration_lacks_it.py [IMPL]

reruns the property with the same seed on IMPL (default 'chainer'); give another
implementation, e.g. `python repro_test_early_stopping_compares_the_interval_mean_even_when_the_check_iteration_lacks_it.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_value_triggers.py::test_early_stopping_compares_the_interval_mean_even_when_the_check_iteration_lacks_it',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'chainer',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=None,
    search_dir='.',
))
