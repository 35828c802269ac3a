"""Broken: update rules step with the scaled gradient (never divide by the loss scale)."""
import reference
from reference import *  # NOQA
from reference import optimizer

_update = optimizer.UpdateRule.update


def update(self, param):
    scale, param._loss_scale = param._loss_scale, None
    try:
        _update(self, param)
    finally:
        param._loss_scale = scale


optimizer.UpdateRule.update = update


def __getattr__(name):
    return getattr(reference, name)
