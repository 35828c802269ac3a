"""Reproduce test_serialization.py::test_save_npz_writes_one_member_per_key_deflated_unless_compression_is_false on chainer 5.4.0 (.matrix/chainer-5.4.0-py3.11/lib/python3.11/site-packages/chainer/__init__.py).

    python repro_test_save_npz_writes_one_member_per_key_deflated_unless_compression_is_false.py [IMPL]

replays the failing example on IMPL (default 'chainer'); give another
implementation, e.g. `python repro_test_save_npz_writes_one_member_per_key_deflated_unless_compression_is_false.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_serialization.py::test_save_npz_writes_one_member_per_key_deflated_unless_compression_is_false',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'chainer',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=('6.170.15', 'AAFBAABBAkEAQQFBAEEAAQA='),
    search_dir='.',
))
