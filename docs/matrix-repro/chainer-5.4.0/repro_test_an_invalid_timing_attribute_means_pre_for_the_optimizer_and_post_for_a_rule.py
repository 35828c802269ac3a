"""Reproduce test_optimizer_hooks.py::test_an_invalid_timing_attribute_means_pre_for_the_optimizer_and_post_for_a_rule on chainer 5.4.0 (.matrix/chainer-5.4.0-py3.11/lib/python3.11/site-packages/chainer/__init__.py).

    python repro_test_an_invalid_timing_attribute_means_pre_for_the_optimizer_and_post_for_a_rule.py [IMPL]

replays the failing example on IMPL (default 'chainer'); give another
implementation, e.g. `python repro_test_an_invalid_timing_attribute_means_pre_for_the_optimizer_and_post_for_a_rule.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_optimizer_hooks.py::test_an_invalid_timing_attribute_means_pre_for_the_optimizer_and_post_for_a_rule',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'chainer',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=('6.170.15', 'AXicc2R2ZABCRkcmR2YgBrIZwASDBgMMIFgMjI5gyhHMAKsDizgyw4UYAAYkBbg='),
    search_dir='.',
))
