"""Reproduce test_resume.py::test_autoload_resumes_a_shift_that_started_from_an_int on chainer 5.4.0 (.matrix/chainer-5.4.0-py3.11/lib/python3.11/site-packages/chainer/__init__.py).

    python repro_test_autoload_resumes_a_shift_that_started_from_an_int.py [IMPL]

reruns the property with the same seed on IMPL (default 'chainer'); give another
implementation, e.g. `python repro_test_autoload_resumes_a_shift_that_started_from_an_int.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_resume.py::test_autoload_resumes_a_shift_that_started_from_an_int',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'chainer',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=None,
    search_dir='.',
))
