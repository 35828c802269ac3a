"""Broken: ``Evaluator`` runs at ``PRIORITY_READER`` (Chainer's is
``PRIORITY_WRITER``), so a reader registered before it misses its values."""
import reference
from reference import *  # NOQA

reference.training.extensions.Evaluator.priority = reference.training.PRIORITY_READER


def __getattr__(name):
    return getattr(reference, name)
