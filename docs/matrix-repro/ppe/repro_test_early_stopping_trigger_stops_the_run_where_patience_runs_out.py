"""Reproduce test_value_triggers.py::test_early_stopping_trigger_stops_the_run_where_patience_runs_out on pytorch-pfn-extras 0.9.0 (implementations/ppe.py).

    python repro_test_early_stopping_trigger_stops_the_run_where_patience_runs_out.py [IMPL]

reruns the property with the same seed on IMPL (default 'implementations.ppe'); give another
implementation, e.g. `python repro_test_early_stopping_trigger_stops_the_run_where_patience_runs_out.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_value_triggers.py::test_early_stopping_trigger_stops_the_run_where_patience_runs_out',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'implementations.ppe',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=None,
    search_dir=None,
))
