"""Reproduce test_observation.py::test_dict_summary_statistics_are_each_keys_mean_and_standard_deviation on pytorch-pfn-extras 0.9.0 (implementations/ppe.py).

    python repro_test_dict_summary_statistics_are_each_keys_mean_and_standard_deviation.py [IMPL]

reruns the property with the same seed on IMPL (default 'implementations.ppe'); give another
implementation, e.g. `python repro_test_dict_summary_statistics_are_each_keys_mean_and_standard_deviation.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_observation.py::test_dict_summary_statistics_are_each_keys_mean_and_standard_deviation',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'implementations.ppe',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=None,
    search_dir=None,
))
