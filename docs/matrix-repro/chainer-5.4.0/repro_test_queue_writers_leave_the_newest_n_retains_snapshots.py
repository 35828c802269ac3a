"""Reproduce test_snapshot_writers.py::test_queue_writers_leave_the_newest_n_retains_snapshots on chainer 5.4.0 (.matrix/chainer-5.4.0-py3.11/lib/python3.11/site-packages/chainer/__init__.py).

    python repro_test_queue_writers_leave_the_newest_n_retains_snapshots.py [IMPL]

reruns the property with the same seed on IMPL (default 'chainer'); give another
implementation, e.g. `python repro_test_queue_writers_leave_the_newest_n_retains_snapshots.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_snapshot_writers.py::test_queue_writers_leave_the_newest_n_retains_snapshots',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'chainer',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=None,
    search_dir='.',
))
