"""Reproduce test_snapshot_writers.py::test_writers_save_into_a_temporary_directory_inside_out_then_move_the_file on pytorch-pfn-extras 0.9.0 (implementations/ppe.py).

    python repro_test_writers_save_into_a_temporary_directory_inside_out_then_move_the_file.py [IMPL]

reruns the property with the same seed on IMPL (default 'implementations.ppe'); give another
implementation, e.g. `python repro_test_writers_save_into_a_temporary_directory_inside_out_then_move_the_file.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_snapshot_writers.py::test_writers_save_into_a_temporary_directory_inside_out_then_move_the_file',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'implementations.ppe',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=None,
    search_dir=None,
))
