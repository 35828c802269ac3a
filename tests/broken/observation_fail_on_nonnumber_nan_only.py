"""Broken: FailOnNonNumber only looks for NaN, letting infinities pass."""
import reference
from reference import *  # NOQA

import numpy

_FailOnNonNumber = reference.training.extensions.FailOnNonNumber


def __call__(self, trainer):
    for name, optimizer in trainer.updater.get_all_optimizers().items():
        for param in optimizer.target.params():
            if numpy.isnan(param.array).any():
                raise RuntimeError(f"Kill the process since parameters in optimizer {name!r} diverge.")


_FailOnNonNumber.__call__ = __call__

def __getattr__(name):
    return getattr(reference, name)
