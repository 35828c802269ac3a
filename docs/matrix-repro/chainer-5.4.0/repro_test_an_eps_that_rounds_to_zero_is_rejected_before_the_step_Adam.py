"""Reproduce test_update_formulas.py::test_an_eps_that_rounds_to_zero_is_rejected_before_the_step[Adam] on chainer 5.4.0 (.matrix/chainer-5.4.0-py3.11/lib/python3.11/site-packages/chainer/__init__.py).

    python repro_test_an_eps_that_rounds_to_zero_is_rejected_before_the_step_Adam.py [IMPL]

replays the failing example on IMPL (default 'chainer'); give another
implementation, e.g. `python repro_test_an_eps_that_rounds_to_zero_is_rejected_before_the_step_Adam.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_update_formulas.py::test_an_eps_that_rounds_to_zero_is_rejected_before_the_step[Adam]',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'chainer',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=('6.170.15', 'AXicY3RkcGTQYFyaJ3/ox+dIINO+gQEGgFKMDBpwLpwFAAqYBuA='),
    search_dir='.',
))
