"""Stop training as soon as a parameter holds NaN or infinity.

Chainer 7.8.1 ``chainer/training/extensions/fail_on_nonnumber.py``.  Only
the parameter arrays (not gradients) of every optimizer's target are
checked, in ``get_all_optimizers()`` order.
"""
from reference.training import extension


class FailOnNonNumber(extension.Extension):
    """Raise ``RuntimeError`` naming the optimizer whose target has a
    non-finite parameter (an uninitialized parameter fails in ``isfinite``,
    as in Chainer)."""

    def __call__(self, trainer):
        for name, optimizer in trainer.updater.get_all_optimizers().items():
            target = optimizer.target
            for param in target.params():
                if not target.xp.isfinite(param.array).all():
                    raise RuntimeError(
                        'Kill the process since parameters in optimizer'
                        f' \'{name}\' diverge. R.I.P.')
