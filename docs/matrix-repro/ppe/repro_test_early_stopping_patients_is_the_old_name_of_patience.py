"""Reproduce test_value_triggers.py::test_early_stopping_patients_is_the_old_name_of_patience on implementations.ppe 0.9.0 (implementations/ppe.py).

    python repro_test_early_stopping_patients_is_the_old_name_of_patience.py [IMPL]

replays the failing example on IMPL (default 'implementations.ppe'); give another
implementation, e.g. `python repro_test_early_stopping_patients_is_the_old_name_of_patience.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_value_triggers.py::test_early_stopping_patients_is_the_old_name_of_patience',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'implementations.ppe',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=('6.170.15', 'AXicc2R2ZHRkYnRkQEYMjsiQEYIBYO0EoA=='),
    search_dir='.',
))
