"""Reproduce test_value_triggers.py::test_early_stopping_trigger_stops_the_run_where_patience_runs_out on implementations.ppe 0.9.0 (implementations/ppe.py).

    python repro_test_early_stopping_trigger_stops_the_run_where_patience_runs_out.py [IMPL]

replays the failing example on IMPL (default 'implementations.ppe'); give another
implementation, e.g. `python repro_test_early_stopping_trigger_stops_the_run_where_patience_runs_out.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_value_triggers.py::test_early_stopping_trigger_stops_the_run_where_patience_runs_out',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'implementations.ppe',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=('6.170.15', 'AXicc2RyZHRkcGQEEsiIwREdQlQBAHssBSE='),
    search_dir='.',
))
