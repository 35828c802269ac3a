"""Reproduce test_lifecycle.py::test_without_a_stop_trigger_a_run_ends_only_by_the_error_of_an_exhausted_iterator on pytorch-pfn-extras 0.9.0 (implementations/ppe.py).

    python repro_test_without_a_stop_trigger_a_run_ends_only_by_the_error_of_an_exhausted_iterator.py [IMPL]

reruns the property with the same seed on IMPL (default 'implementations.ppe'); give another
implementation, e.g. `python repro_test_without_a_stop_trigger_a_run_ends_only_by_the_error_of_an_exhausted_iterator.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_lifecycle.py::test_without_a_stop_trigger_a_run_ends_only_by_the_error_of_an_exhausted_iterator',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'implementations.ppe',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=None,
    search_dir=None,
))
