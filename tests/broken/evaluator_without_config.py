"""Broken: a namespace without ``config`` (everything else, the Evaluator
included, works): properties that read the configuration must fail with
"implementation lacks config", never pass."""
import reference
from reference import *  # NOQA

globals().pop('config', None)


def __getattr__(name):
    if name == 'config':
        raise AttributeError(name)
    return getattr(reference, name)
