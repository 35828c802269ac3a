"""Reproduce test_observation.py::test_print_report_after_a_resume_prints_its_header_and_the_whole_restored_log on pytorch-pfn-extras 0.9.0 (implementations/ppe.py).

    python repro_test_print_report_after_a_resume_prints_its_header_and_the_whole_restored_log.py [IMPL]

replays the failing example on IMPL (default 'implementations.ppe'); give another
implementation, e.g. `python repro_test_print_report_after_a_resume_prints_its_header_and_the_whole_restored_log.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_observation.py::test_print_report_after_a_resume_prints_its_header_and_the_whole_restored_log',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'implementations.ppe',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=('6.170.15', 'AXicY2R0ZGJ0ZGB0ZGRwZHAEcjQOeE5ud54oVQDk/mMEyzJCZZkcGTUcvCrNVB05dwAVGvl9r+o+nMUIlGYGatU44GT8YodvhxmDI0QbxFwGBkcWkE4gZgKKswCNAQBnYRag'),
    search_dir=None,
))
