"""Reproduce test_value_triggers.py::test_resumed_time_trigger_keeps_its_next_time on pytorch-pfn-extras 0.9.0 (implementations/ppe.py).

    python repro_test_resumed_time_trigger_keeps_its_next_time.py [IMPL]

replays the failing example on IMPL (default 'implementations.ppe'); give another
implementation, e.g. `python repro_test_resumed_time_trigger_keeps_its_next_time.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_value_triggers.py::test_resumed_time_trigger_keeps_its_next_time',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'implementations.ppe',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=('6.170.15', 'AEEAAUEAAUEAAEEB'),
    search_dir=None,
))
