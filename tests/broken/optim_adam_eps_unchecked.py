"""Broken: Adam never checks its eps, so one that rounds to zero in the
dtype it computes in is used as zero instead of being rejected."""
import reference
from reference import *  # NOQA
from reference.optimizers import adam

adam.AdamRule._check_eps = lambda self, interm_dtype: None


def __getattr__(name):
    return getattr(reference, name)
