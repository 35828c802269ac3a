"""Reproduce test_parallel_iterators.py::test_an_unshuffled_multiprocess_iterator_is_saved_and_loaded_as_serial_iterator[n5-b2-repeat-at3] on pytorch-pfn-extras 0.9.0 (implementations/ppe.py).

    python repro_test_an_unshuffled_multiprocess_iterator_is_saved_and_loaded_as_serial_iterator_n5_b2_repeat_at3.py [IMPL]

reruns the property with the same seed on IMPL (default 'implementations.ppe'); give another
implementation, e.g. `python repro_test_an_unshuffled_multiprocess_iterator_is_saved_and_loaded_as_serial_iterator_n5_b2_repeat_at3.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_parallel_iterators.py::test_an_unshuffled_multiprocess_iterator_is_saved_and_loaded_as_serial_iterator[n5-b2-repeat-at3]',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'implementations.ppe',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=None,
    search_dir=None,
))
