"""Broken: SMORMS3's memory length ``mem`` starts at 0 instead of 1."""
import reference
from reference import *  # NOQA
from reference import backend
from reference.optimizers import smorms3


def init_state(self, param):
    xp = backend.get_array_module(param.data)
    for key in ('mem', 'g', 'g2'):
        self.state[key] = xp.zeros_like(param.data)


smorms3.SMORMS3Rule.init_state = init_state


def __getattr__(name):
    return getattr(reference, name)
