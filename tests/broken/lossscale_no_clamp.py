"""Broken: the dynamic scale is not clamped to [1, 65504]."""
import reference
from reference import *  # NOQA
from reference import optimizer


def update_loss_scale(self):
    if not self._loss_scaling_is_dynamic:
        return
    if self._loss_scaling_isnan:
        self._loss_scale *= 0.5
    elif self._loss_scaling_isnan_ever:
        self._loss_scale *= self._loss_scaling_multiplier
    else:
        self._loss_scale *= 2.0


optimizer.Optimizer.update_loss_scale = update_loss_scale


def __getattr__(name):
    return getattr(reference, name)
