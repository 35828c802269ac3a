"""Broken: ``update()`` gives a parameter added after setup a rule of its
own (as ``setup`` would have), so it is trained too."""
import reference
from reference import *  # NOQA

GradientMethod = reference.optimizer.GradientMethod
_update = GradientMethod.update


def update(self, lossfun=None, *args, **kwds):
    for param in self.target.params():
        if param.update_rule is None:
            param.update_rule = self.create_update_rule()
    return _update(self, lossfun, *args, **kwds)


GradientMethod.update = update


def __getattr__(name):
    return getattr(reference, name)
