"""Reproduce test_bad_input.py::test_a_failed_load_leaves_a_link_with_a_large_parameter_unchanged on pytorch-pfn-extras 0.9.0 (implementations/ppe.py).

    python repro_test_a_failed_load_leaves_a_link_with_a_large_parameter_unchanged.py [IMPL]

reruns the property with the same seed on IMPL (default 'implementations.ppe'); give another
implementation, e.g. `python repro_test_a_failed_load_leaves_a_link_with_a_large_parameter_unchanged.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_bad_input.py::test_a_failed_load_leaves_a_link_with_a_large_parameter_unchanged',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'implementations.ppe',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=None,
    search_dir=None,
))
