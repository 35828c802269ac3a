"""Reproduce test_trigger_schedule.py::test_each_update_passes_the_converted_main_batch_to_the_loss_by_its_form on chainer 5.4.0 (.matrix/chainer-5.4.0-py3.11/lib/python3.11/site-packages/chainer/__init__.py).

    python repro_test_each_update_passes_the_converted_main_batch_to_the_loss_by_its_form.py [IMPL]

replays the failing example on IMPL (default 'chainer'); give another
implementation, e.g. `python repro_test_each_update_passes_the_converted_main_batch_to_the_loss_by_its_form.py reference`, to run the same example there.
Written by chainer-conformance 0.1.0.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    'test_trigger_schedule.py::test_each_update_passes_the_converted_main_batch_to_the_loss_by_its_form',
    impl=sys.argv[1] if len(sys.argv) > 1 else 'chainer',
    options=['--device=cpu', '--hypothesis-profile=ci', '--hypothesis-seed=0'],
    blob=('6.170.15', 'AEEBQQFBAUEAQQFBAEEAAQBBAAA='),
    search_dir='.',
))
