"""Runner for the device specifiers of ``StandardUpdater`` and ``Evaluator``
(family 'api'): one update or one evaluation with ``device=spec`` and an
old- or new-style converter."""
import numpy

from conformance.namespace import ImplementationLacks


def recording_converter(ns, style, seen):
    """An old-style converter (a plain function) or a new-style one
    (``dataset.converter()``) that appends the device it gets to ``seen``."""
    def old_style(batch, device):
        seen.append(device)
        return ns.dataset.concat_examples(batch, device)

    if style == 'old':
        return old_style
    return ns.dataset.converter()(old_style)


def summing_model(ns):
    """A Chain whose forward is the sum of a Linear(2, 1) of ones."""
    link = ns.links.Linear(2, 1, initialW=numpy.ones((1, 2)))

    class Model(ns.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.layer = link

        def forward(self, x):
            return ns.functions.sum(self.layer(x))
    return Model()


DATASET = [numpy.full(2, i, numpy.float32) for i in range(4)]


def one_update(ns, spec, style):
    """One update of a Linear on a batch of two, with ``device=spec`` and a
    converter of ``style``; returns what the converter received and the
    updater."""
    seen = []
    optimizer = ns.optimizers.SGD().setup(summing_model(ns))
    iterator = ns.iterators.SerialIterator(DATASET, 2, shuffle=False)
    updater = ns.training.updaters.StandardUpdater(
        iterator, optimizer, converter=recording_converter(ns, style, seen), device=spec)
    updater.update()
    return seen, updater


def one_evaluation(ns, spec, style):
    """``Evaluator(..., device=spec).evaluate()`` of that model over two
    batches of two, with a converter of ``style``; returns what the
    converter received, batch by batch."""
    seen = []
    iterator = ns.iterators.SerialIterator(DATASET, 2, repeat=False, shuffle=False)
    evaluator = ns.training.extensions.Evaluator(
        iterator, summing_model(ns), converter=recording_converter(ns, style, seen), device=spec)
    with ns.Reporter():       # evaluate() reports into the current reporter
        evaluator.evaluate()
    return seen


def describe(device):
    """A device as plain data: ``None``, an int as is, else its type name and
    its array module's name."""
    if device is None or isinstance(device, int):
        return device
    return [type(device).__name__, getattr(getattr(device, 'xp', None), '__name__', None)]


def converter_devices(ns, specs):
    """For each ``(spec, style)``: what the converter got, and the updater's
    ``device`` and ``input_device``, described (or the error's type name)."""
    out = []
    for spec, style in specs:
        try:
            seen, updater = one_update(ns, spec, style)
            out.append([[describe(d) for d in seen], describe(updater.device),
                        describe(updater.input_device)])
        except ImplementationLacks:   # a missing name, not a recorded outcome
            raise
        except Exception as error:  # recorded: the exception's type
            out.append(type(error).__name__)
    return out
