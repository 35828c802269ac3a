"""Lacks one optional argument: ``Trainer.extend(call_before_training=)`` (Chainer 7),
refused as Chainer 6 refuses an unknown keyword."""
import reference
from reference import *  # NOQA
from reference.training import trainer as trainer_module

_extend = trainer_module.Trainer.extend


def extend(self, extension, name=None, trigger=None, priority=None, **kwargs):
    if 'call_before_training' in kwargs:
        raise TypeError('assert_kwargs_empty() got unexpected keyword argument(s) '
                        "'call_before_training'")
    return _extend(self, extension, name=name, trigger=trigger, priority=priority, **kwargs)


trainer_module.Trainer.extend = extend


def __getattr__(name):
    return getattr(reference, name)
