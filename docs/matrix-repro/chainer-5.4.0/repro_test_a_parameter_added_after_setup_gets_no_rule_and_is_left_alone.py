"""Reproduce test_update_formulas.py::test_a_parameter_added_after_setup_gets_no_rule_and_is_left_alone on chainer 5.4.0 (.matrix/chainer-5.4.0-py3.11/lib/python3.11/site-packages/chainer/__init__.py).

    python repro_test_a_parameter_added_after_setup_gets_no_rule_and_is_left_alone.py [IMPL]

replays the failing example on IMPL (default 'chainer'); give another
implementation, e.g. `python repro_test_a_parameter_added_after_setup_gets_no_rule_and_is_left_alone.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_update_formulas.py::test_a_parameter_added_after_setup_gets_no_rule_and_is_left_alone',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'chainer',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=('6.170.15', 'AXicc2RwhEFGRyZHZiAJ4bE5MmjYNzBAACNYnkGDAQYQLAYA8fkFVw=='),
    search_dir='.',
))
