"""Reproduce test_parallel_iterators.py::test_a_dataset_error_reaches_the_caller_of_a_multiprocess_iterator[n4-b2-bad0] on pytorch-pfn-extras 0.9.0 (implementations/ppe.py).

    python repro_test_a_dataset_error_reaches_the_caller_of_a_multiprocess_iterator_n4_b2_bad0.py [IMPL]

reruns the property with the same seed on IMPL (default 'implementations.ppe'); give another
implementation, e.g. `python repro_test_a_dataset_error_reaches_the_caller_of_a_multiprocess_iterator_n4_b2_bad0.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_parallel_iterators.py::test_a_dataset_error_reaches_the_caller_of_a_multiprocess_iterator[n4-b2-bad0]',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'implementations.ppe',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=None,
    search_dir=None,
))
