"""Reproduce test_trigger_precedence.py::test_extension_runs_where_the_trigger_chosen_by_precedence_fires on pytorch-pfn-extras 0.9.0 (implementations/ppe.py).

    python repro_test_extension_runs_where_the_trigger_chosen_by_precedence_fires.py [IMPL]

replays the failing example on IMPL (default 'implementations.ppe'); give another
implementation, e.g. `python repro_test_extension_runs_where_the_trigger_chosen_by_precedence_fires.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_trigger_precedence.py::test_extension_runs_where_the_trigger_chosen_by_precedence_fires',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'implementations.ppe',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=('6.170.15', 'AEEDQQNBAkEAQQFBAkEBQQBBAkEBQQE='),
    search_dir=None,
))
