"""Broken: the dynamic scale keeps doubling after a non-finite gradient was
seen, instead of growing by 2**(1/interval)."""
import reference
from reference import *  # NOQA
from reference import optimizer


def update_loss_scale(self):
    if not self._loss_scaling_is_dynamic:
        return
    multiplier = 0.5 if self._loss_scaling_isnan else 2.0
    self._loss_scale = max(1, min(self._loss_scale_max, self._loss_scale * multiplier))


optimizer.Optimizer.update_loss_scale = update_loss_scale


def __getattr__(name):
    return getattr(reference, name)
