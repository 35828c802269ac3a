"""Small builders shared by the property families: a dataset, a model-free
loss, and a trainer wired the way a Chainer user wires one.

Everything is built through the namespace under test (``ns``); nothing here
imports an implementation.
"""
import contextlib
import re
import warnings

import numpy

from conformance.namespace import ImplementationLacks


@contextlib.contextmanager
def issued_warnings():
    """Yield a list that holds, after the block, the warnings the block
    issued (``warnings.WarningMessage``), each one however often it repeats.

    Only what the implementation raises belongs in a trace, so
    ``ResourceWarning`` is left out: the garbage collector issues it when it
    closes a file leaked earlier (NumPy leaks one on a damaged zip), at
    whatever moment it runs, which can fall inside the block.
    """
    issued = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        yield issued
    issued.extend(w for w in caught if not issubclass(w.category, ResourceWarning))


def attribute(obj, name, path):
    """``obj.<name>``, a public Chainer attribute; its absence is a lack.

    Why: a property that reads an optional attribute (``Trainer.is_before_training``
    appeared in Chainer 7) must not report a missing one as a semantic
    difference; ``path`` is the name as Chainer's API spells it.
    """
    try:
        return getattr(obj, name)
    except AttributeError:
        raise ImplementationLacks(path) from None


def call_with(path, function, *args, **kwargs):
    """``function(*args, **kwargs)`` where a keyword it does not accept is a lack.

    Only a ``TypeError`` that names one of ``kwargs`` as unexpected counts:
    any other error is the implementation's and propagates unchanged.
    """
    try:
        return function(*args, **kwargs)
    except TypeError as error:
        unknown = unexpected_keyword(error, kwargs)
        if unknown is None:
            raise
        raise ImplementationLacks(f'{path}({unknown}=...)') from error


def unexpected_keyword(error, kwargs):
    """The keyword of ``kwargs`` that ``error`` says was not accepted, or None."""
    message = str(error)
    if not re.search(r'unexpected keyword|got an unexpected|not supported|'
                     r'unexpected argument', message):
        return None
    return next((name for name in kwargs if re.search(rf"\b{re.escape(name)}\b", message)), None)


def dataset(n):
    """``n`` one-feature float32 samples whose value is their index."""
    return [numpy.array([i], dtype=numpy.float32) for i in range(n)]


def zero_loss(ns):
    """A loss function for models without parameters: a constant 0-d Variable.

    Trainer-level properties care about when things happen, not about the
    gradients, so the updater's forward/backward is kept trivial.
    """
    def loss(*args, **kwargs):
        return ns.Variable(numpy.zeros((), dtype=numpy.float32))
    return loss


def make_trainer(ns, out, *, n=10, batch_size=1, stop=(5, 'iteration'),
                 model=None, optimizer=None, loss_func=None, shuffle=False,
                 repeat=True, extensions=None):
    """A Trainer over a SerialIterator and a StandardUpdater.

    With no model, an empty ``Chain`` and ``SGD`` with ``zero_loss`` are used.
    """
    if model is None:
        model = ns.Chain()
        loss_func = loss_func or zero_loss(ns)
    if optimizer is None:
        optimizer = ns.optimizers.SGD(lr=0.1)
    optimizer.setup(model)
    iterator = ns.iterators.SerialIterator(
        dataset(n), batch_size, repeat=repeat, shuffle=shuffle)
    updater = ns.training.updaters.StandardUpdater(
        iterator, optimizer, loss_func=loss_func)
    return ns.training.Trainer(updater, stop_trigger=stop, out=out,
                               extensions=extensions)
