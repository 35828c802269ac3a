"""Broken: the trainer registers its observers when ``run`` starts instead
of when it is built, so a link added to the model in between is known."""
import reference
from reference import *  # NOQA

Trainer = reference.training.Trainer
_run = Trainer.run


def run(self, *args, **kwargs):
    for name, optimizer in self.updater.get_all_optimizers().items():
        self.reporter.add_observer(name, optimizer.target)
        self.reporter.add_observers(name, optimizer.target.namedlinks(skipself=True))
    return _run(self, *args, **kwargs)


Trainer.run = run


def __getattr__(name):
    return getattr(reference, name)
