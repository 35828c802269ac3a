"""Runners of the serialization family's round trips: a used trigger,
iterator or optimizer (or a trained trainer's parts), saved with
``save_npz`` and loaded into a fresh one, through ``ns``.
"""
import os

import numpy

from conformance import harness
from conformance.runners.training import (
    build_model, build_optimizer, fresh_dir, loss_function, serialized, trained)


def build_trigger(ns, spec):
    return getattr(ns.training.triggers, spec.kind)(*spec.args)


def triggered_by(trigger):
    """A maker (for ``extensions=``) of a no-op extension named
    ``scheduled`` that ``trigger`` drives."""
    def make(optimizer):
        def scheduled(trainer):
            pass
        scheduled.trigger = trigger
        return scheduled
    return make


def observers(ns, log_every, stop):
    """Makers (for ``extensions=``) of an extension named ``reported``
    (a writer reporting ``num`` and ``den`` at each iteration), a
    ``MicroAverage`` of them at each iteration, a ``LogReport`` every
    ``log_every`` iterations and a ``PlotReport`` of ``ratio`` into
    ``plot.png`` that does not fire before ``stop`` (no figure drawn)."""
    extensions = ns.training.extensions

    @ns.training.make_extension(trigger=(1, 'iteration'), priority=ns.training.PRIORITY_WRITER)
    def reported(trainer):
        ns.report({'num': trainer.updater.iteration, 'den': 2})
    return (lambda optimizer: reported,
            lambda optimizer: extensions.MicroAverage('num', 'den', 'ratio',
                                                      trigger=(1, 'iteration')),
            lambda optimizer: extensions.LogReport(trigger=(log_every, 'iteration')),
            # The default file name (plot.png in every release) names its key:
            # filename= (Chainer 5's file_name=) is not what the layout varies.
            lambda optimizer: extensions.PlotReport(['ratio'], trigger=(stop + 1, 'iteration')))


def used_trigger(ns, spec, scenario, out_dir, iterations):
    """A trigger of ``spec`` after deciding ``iterations`` times for an
    extension of the scenario's trainer."""
    trigger = build_trigger(ns, spec)
    trained(ns, scenario, out_dir, iterations, extensions=(triggered_by(trigger),))
    return trigger


def build_iterator(ns, spec):
    return ns.iterators.SerialIterator(harness.dataset(spec.n), spec.batch_size,
                                       repeat=spec.repeat, shuffle=spec.shuffle)


def batches(iterator, count, stop_at_new_epoch):
    """Up to ``count`` more batches as lists of sample values; stops at the
    end of a non-repeating iterator, and (``stop_at_new_epoch``) before a
    batch that crosses into an epoch whose order is drawn anew."""
    seen = []
    for _ in range(count):
        if stop_at_new_epoch and iterator.current_position + iterator.batch_size >= len(
                iterator.dataset):
            break
        try:
            seen.append([float(x[0]) for x in iterator.next()])
        except StopIteration:
            seen.append('StopIteration')
            break
    return seen


def updated(ns, scenario, updates):
    """The scenario's model and optimizer after ``updates`` direct
    ``optimizer.update(loss, x)`` calls on batches of the dataset."""
    model = build_model(ns, scenario)
    optimizer = build_optimizer(ns, scenario.optimizer, model)
    for i in range(updates):
        step(ns, model, optimizer, i)
    return model, optimizer


def step(ns, model, optimizer, i):
    x = numpy.arange(i, i + 2, dtype=numpy.float32).reshape(2, 1)
    optimizer.update(loss_function(ns, model), x)


def save_and_load(ns, obj, fresh, out_dir):
    """Save ``obj`` with ``save_npz`` and load the file into ``fresh``;
    return ``obj``'s content as ``DictionarySerializer`` writes it."""
    saved = serialized(ns, obj)
    path = os.path.join(fresh_dir(out_dir), 'object.npz')
    ns.serializers.save_npz(path, obj)
    ns.serializers.load_npz(path, fresh)
    return saved


def round_trip(ns, obj, fresh, out_dir):
    """``save_and_load``, then the content of both."""
    saved = save_and_load(ns, obj, fresh, out_dir)
    return saved, serialized(ns, fresh)


def trainer_parts(ns, trainer, names):
    """What a trainer's snapshot holds of its updater, stop trigger and the
    extensions ``names``, read back through their own ``serialize``.

    (``Trainer.serialize`` itself cannot save a trainer that never ran:
    SEMANTICS B11.)"""
    parts = {}
    owners = [('updater/', trainer.updater), ('stop_trigger/', trainer.stop_trigger)]
    owners += [(f'extensions/{name}/', trainer.get_extension(name)) for name in names]
    for prefix, owner in owners:
        if hasattr(owner, 'serialize'):
            parts.update({prefix + k: v for k, v in serialized(ns, owner).items()})
    return parts
