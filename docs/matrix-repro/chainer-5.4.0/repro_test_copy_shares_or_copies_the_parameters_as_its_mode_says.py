"""Reproduce test_links.py::test_copy_shares_or_copies_the_parameters_as_its_mode_says on chainer 5.4.0 (.matrix/chainer-5.4.0-py3.11/lib/python3.11/site-packages/chainer/__init__.py).

    python repro_test_copy_shares_or_copies_the_parameters_as_its_mode_says.py [IMPL]

replays the failing example on IMPL (default 'chainer'); give another
implementation, e.g. `python repro_test_copy_shares_or_copies_the_parameters_as_its_mode_says.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_links.py::test_copy_shares_or_copies_the_parameters_as_its_mode_says',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'chainer',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=('6.170.15', 'AXicc2R2ZABCRkcmR2ZHCBvMBwAocQMa'),
    search_dir='.',
))
