"""Broken: the target clamp of Exponential/Step/InverseShift ignores the
direction of the schedule and always floors at the target, so a growing
schedule jumps to its cap at once instead of growing into it."""
import reference
from reference import *  # NOQA
from reference.training.extensions import _shift

_clamp = _shift.clamp_to_target


def _floor_only(value, target, increasing):
    return _clamp(value, target, False)


_shift.clamp_to_target = _floor_only


def __getattr__(name):
    return getattr(reference, name)
