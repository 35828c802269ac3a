"""Reproduce test_lifecycle.py::test_without_a_stop_trigger_a_run_ends_only_by_the_error_of_an_exhausted_iterator on chainer 5.4.0 (.matrix/chainer-5.4.0-py3.11/lib/python3.11/site-packages/chainer/__init__.py).

    python repro_test_without_a_stop_trigger_a_run_ends_only_by_the_error_of_an_exhausted_iterator.py [IMPL]

replays the failing example on IMPL (default 'chainer'); give another
implementation, e.g. `python repro_test_without_a_stop_trigger_a_run_ends_only_by_the_error_of_an_exhausted_iterator.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_lifecycle.py::test_without_a_stop_trigger_a_run_ends_only_by_the_error_of_an_exhausted_iterator',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'chainer',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=('6.170.15', 'AEEBQQEA'),
    search_dir='.',
))
