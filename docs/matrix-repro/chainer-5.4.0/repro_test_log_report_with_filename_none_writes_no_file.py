"""Reproduce test_observation.py::test_log_report_with_filename_none_writes_no_file on chainer 5.4.0 (.matrix/chainer-5.4.0-py3.11/lib/python3.11/site-packages/chainer/__init__.py).

    python repro_test_log_report_with_filename_none_writes_no_file.py [IMPL]

reruns the property with the same seed on IMPL (default 'chainer'); give another
implementation, e.g. `python repro_test_log_report_with_filename_none_writes_no_file.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_observation.py::test_log_report_with_filename_none_writes_no_file',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'chainer',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=None,
    search_dir='.',
))
