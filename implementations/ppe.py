"""Chainer 7.8.1's training API over pytorch-pfn-extras (ppe) 0.9.0.

The namespace for ``pytest conformance --impl=implementations.ppe``: where ppe
carries a piece of Chainer's trainer over (its ``ExtensionsManager``, triggers,
``make_extension``, priorities, reporter and the extensions Chainer also has),
the name is ppe's own object, and this module only adapts calling
conventions: ``Trainer`` is ppe's manager driven the way ppe's own
``ppe.training.Trainer`` drives it (``while not manager.stop_trigger: with
manager.run_iteration(): ...``), one Chainer updater step per iteration.
Models, links, optimizers, iterators, updaters and serializers have no
counterpart in ppe that works on Chainer's objects: those names are Chainer's.
No rule of the trainer is reimplemented here; what ppe decides differently
from Chainer is listed in ``ppe.expectations.toml`` beside this file.
"""
import json
import types

import numpy
import pytorch_pfn_extras
from pytorch_pfn_extras import reporting as _reporting
from pytorch_pfn_extras import writing as _writing
from pytorch_pfn_extras.training import extension as _extension
from pytorch_pfn_extras.training import extensions as _extensions
from pytorch_pfn_extras.training import manager as _manager
from pytorch_pfn_extras.training import trigger as _trigger
from pytorch_pfn_extras.training import triggers as _triggers

from conformance import chainer_compat

chainer = chainer_compat.import_chainer()

__version__ = pytorch_pfn_extras.__version__

__conformance__ = {
    'unsupported': {
        # ppe's Evaluator runs torch DataLoaders over torch.nn.Modules
        # (named_modules, eval()/train()); Chainer's iterators and links are neither.
        # ParameterStatistics likewise reads torch modules' parameters.
        # VariableStatisticsPlot likewise unpacks torch tensors and modules only
        # (training/extensions/variable_statistics_plot.py: _unpack_variables).
        # BestValueTrigger keeps best_value and its summary through
        # state_dict/load_state_dict, with no serialize
        # (training/triggers/minmax_value_trigger.py: BestValueTrigger.state_dict),
        # and so do DictSummary (reporting.py: DictSummary.state_dict) and
        # LogReport (training/extensions/log_report.py: LogReport.state_dict).
        'names': ['training.extensions.Evaluator', 'training.extensions.ParameterStatistics',
                  'training.extensions.VariableStatisticsPlot',
                  'training.triggers.BestValueTrigger.serialize', 'DictSummary.serialize',
                  'training.extensions.LogReport.serialize'],
    },
}


def _iterations_per_epoch(updater):
    """What a ppe script passes as ``iters_per_epoch``: ``len(loader)``, the
    batches of one sweep over the main dataset, the last one possibly short."""
    iterator = updater.get_iterator('main')
    dataset = getattr(iterator, 'dataset', None)
    batch_size = getattr(iterator, 'batch_size', None)
    if dataset is None or not batch_size:
        return 1
    return max(1, -(-len(dataset) // batch_size))


def _never(manager):
    return False


class Trainer(_manager.ExtensionsManager):
    """ppe's ``ExtensionsManager`` holding a Chainer updater.

    Chainer's ``Trainer(updater, stop_trigger, out, extensions)`` becomes the
    manager of the updater's optimizers (their targets are the reporter's
    observers, as the manager registers its models), with ``iters_per_epoch``
    from the main iterator and Chainer's "no stop trigger: run until stopped".
    ``run`` is the loop ppe's own ``ppe.training.Trainer.run`` writes.
    """

    def __init__(self, updater, stop_trigger=None, out='result', extensions=None):
        self._chainer_updater = updater
        super().__init__(
            {}, updater.get_all_optimizers(), 1,
            iters_per_epoch=_iterations_per_epoch(updater), extensions=extensions,
            out_dir=out, stop_trigger=_never if stop_trigger is None else stop_trigger)
        for name, optimizer in updater.get_all_optimizers().items():
            target = optimizer.target
            self.reporter.add_observer(name, target)
            self.reporter.add_observers(name, target.namedlinks(skipself=True))

    @property
    def updater(self):
        return self._chainer_updater

    def run(self, show_loop_exception_msg=True):
        if self._start_time is None:
            # The manager counts from the updater's count, as ppe's
            # IgniteExtensionsManager counts from its engine's.
            self.iteration = self.execution = self.updater.iteration
        try:
            while not self.stop_trigger:
                try:
                    with self.run_iteration():
                        self.updater.update()
                except Exception:
                    # As ppe.training.Trainer.run does: the manager ran the
                    # extensions' on_error; the loop is over, so finalize them.
                    self.finalize()
                    raise
        finally:
            self.updater.finalize()

    def state_dict(self):
        """What ppe's snapshot writes and autoload reads: the trainer as
        Chainer's serializers see it (key -> array), not torch's
        ``state_dict`` of modules and optimizers, which Chainer's objects lack."""
        return _chainer_state(self)

    def load_state_dict(self, to_load):
        chainer.serializers.NpzDeserializer(to_load).load(self)

    def serialize(self, serializer):
        """Chainer's serializers over ppe's state: the updater (Chainer's) under
        ``updater``, the manager's ``state_dict`` less what the updater holds
        (its optimizers) as one JSON document under ``manager``."""
        loading = isinstance(serializer, chainer.serializer.Deserializer)
        # Read the manager's document first: a snapshot without it changes nothing.
        loaded = json.loads(str(serializer('manager', None)[()])) if loading else None
        self.updater.serialize(serializer['updater'])
        state = {
            '_start_iteration': self._iteration,
            '_start_execution': self.execution,
            'extensions': {name: entry.state_dict()
                           for name, entry in self._extensions.items()},
        }
        if not loading:
            serializer('manager', numpy.asarray(json.dumps(_plain(state))))
        else:
            self._start_iteration = self.iteration = loaded['_start_iteration']
            self._start_execution = self.execution = loaded['_start_execution']
            for name, entry in self._extensions.items():
                if name in loaded['extensions']:
                    entry.load_state_dict(loaded['extensions'][name])


def _plain(value):
    """ppe's state (dicts of numbers, tensors and arrays) as JSON data."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, 'tolist'):
        return value.tolist()
    return value


def _chainer_state(obj):
    serializer = chainer.serializers.DictionarySerializer()
    serializer.save(obj)
    return serializer.target


class _Stated:
    """A Chainer object (a link, an optimizer) with the ``state_dict`` and
    ``load_state_dict`` that ppe's ``snapshot_object`` calls."""

    def __init__(self, target):
        self.target = target

    def state_dict(self):
        return _chainer_state(self.target)

    def load_state_dict(self, to_load):
        chainer.serializers.NpzDeserializer(to_load).load(self.target)


def _save_npz(state, file):
    """ppe's ``savefun(state, file)`` writing what Chainer's ``save_npz``
    writes (the state as compressed npz), so Chainer's ``load_npz`` reads it."""
    numpy.savez_compressed(file, **state)


def snapshot(savefun=None, filename='snapshot_iter_{.updater.iteration}', **kwargs):
    """ppe's ``snapshot`` with Chainer's defaults: an npz file named by the
    updater's iteration (ppe's default ``savefun`` is ``torch.save``); a
    ``target`` (a Chainer object) is saved through its ``serialize``.  A
    ``savefun`` given with a ``writer`` goes to ppe, which decides."""
    if savefun is None and kwargs.get('writer') is None:
        savefun = _save_npz
    if kwargs.get('target') is not None:
        kwargs['target'] = _Stated(kwargs['target'])
    return _extensions.snapshot(savefun=savefun, filename=filename, **kwargs)


def snapshot_object(target, filename, savefun=None, **kwargs):
    return snapshot(savefun, filename, target=target, **kwargs)


def _collected_quietly(writer_class):
    """``writer_class`` (ppe's) less one exception at garbage collection.

    ppe's ``Writer.__del__`` calls ``finalize``, which raises
    ``RuntimeError('worker is not created')`` for a thread or process writer
    that never wrote. Python can only report that; but on CPython 3.11, an
    exception raised by a ``__del__`` the cyclic collector runs while
    ``ast.parse`` builds a tree (pytest and 3.11's tracebacks parse source)
    becomes ``SystemError: AST constructor recursion depth mismatch`` in the
    code that was parsing (CPython gh-106905). ``finalize`` itself is ppe's:
    the snapshot extension's call to it at the end of training still raises."""
    if not issubclass(writer_class, _writing.StandardWriter):
        return writer_class

    def __del__(self):
        if getattr(self, '_worker', None) is not None:
            writer_class.__del__(self)

    return type(writer_class.__name__, (writer_class,), {
        '__del__': __del__, '__module__': __name__, '__qualname__': writer_class.__name__})


def _writing_into_the_trainers_out(writer_class):
    """``writer_class`` (ppe's) writing into the directory each call names,
    where its constructor was given none.

    Chainer's writers get the directory with each call (``trainer.out``);
    ppe's take it at construction (default: the current directory) and
    ``Writer.save`` ignores the ``out_dir`` argument its ``__call__``
    documents as the manager's ``out``.  Where the caller did not choose a
    directory, the first call's becomes the writer's: the calling convention
    adapted, the writing (and ``n_retains``' clean-up there) still ppe's."""
    def __call__(self, filename, out_dir, target, **kwargs):
        if getattr(self, '_out_dir_from_call', False):
            self.out_dir, self._out_dir_from_call = out_dir, False
        return writer_class.__call__(self, filename, out_dir, target, **kwargs)

    return type(writer_class.__name__, (writer_class,), {
        '__call__': __call__, '__module__': __name__, '__qualname__': writer_class.__name__})


def _npz_writer(writer_class):
    """A ppe writer whose default ``savefun`` writes npz (ppe's: ``torch.save``)."""
    writer_class = _writing_into_the_trainers_out(_collected_quietly(writer_class))

    def make(savefun=None, **kwargs):
        writer = writer_class(savefun=_save_npz if savefun is None else savefun, **kwargs)
        writer._out_dir_from_call = 'out_dir' not in kwargs
        return writer
    make.__name__ = make.__qualname__ = writer_class.__name__
    return make


snapshot_writers = types.SimpleNamespace(**{
    name: _npz_writer(getattr(_writing, name))
    for name in ('SimpleWriter', 'ThreadWriter', 'ProcessWriter',
                 'ThreadQueueWriter', 'ProcessQueueWriter')})


def _chainer_extension(cls):
    """Chainer's extension class ``cls`` in ppe's conventions: ppe calls
    ``finalize(manager)`` (Chainer: ``finalize()``) and keeps an extension's
    state through ``state_dict``/``load_state_dict`` (Chainer: ``serialize``),
    which here carry what ``serialize`` writes."""
    def finalize(self, manager=None):
        cls.finalize(self)

    def state_dict(self):
        return _chainer_state(self)

    def load_state_dict(self, to_load):
        chainer.serializers.NpzDeserializer(
            {key: numpy.asarray(value) for key, value in to_load.items()}).load(self)

    return type(cls.__name__, (cls, _extension.Extension), {
        'finalize': finalize, 'state_dict': state_dict, 'load_state_dict': load_state_dict,
        '__module__': __name__, '__qualname__': cls.__name__, '__doc__': cls.__doc__})


def observe_lr(optimizer_name='main', observation_key='lr'):
    """Chainer's signature over ppe's ``observe_value``: ppe's ``observe_lr``
    takes a torch optimizer's param group, Chainer's names an optimizer of the
    updater, whose ``lr`` is what both record."""
    return _extensions.observe_value(
        observation_key, lambda trainer: trainer.updater.get_optimizer(optimizer_name).lr)


triggers = types.SimpleNamespace(
    IntervalTrigger=_triggers.IntervalTrigger,
    ManualScheduleTrigger=_triggers.ManualScheduleTrigger,
    BestValueTrigger=_triggers.BestValueTrigger,
    MaxValueTrigger=_triggers.MaxValueTrigger,
    MinValueTrigger=_triggers.MinValueTrigger,
    EarlyStoppingTrigger=_triggers.EarlyStoppingTrigger,
    TimeTrigger=_triggers.TimeTrigger,
    OnceTrigger=_triggers.OnceTrigger,
    get_trigger=_trigger.get_trigger,
)

_chainer_extensions = chainer.training.extensions
extensions = types.SimpleNamespace(
    LogReport=_extensions.LogReport,
    PrintReport=_extensions.PrintReport,
    ProgressBar=_extensions.ProgressBar,
    MicroAverage=_extensions.MicroAverage,
    FailOnNonNumber=_extensions.FailOnNonNumber,
    PlotReport=_extensions.PlotReport,
    observe_value=_extensions.observe_value,
    observe_lr=observe_lr,
    snapshot=snapshot,
    snapshot_object=snapshot_object,
    snapshot_writers=snapshot_writers,
    # ppe's learning-rate schedules are torch lr_schedulers (LRScheduler), which
    # act on torch optimizers only: the shifts are Chainer's, acting on the
    # Chainer optimizers through ``trainer.updater``.
    ExponentialShift=_chainer_extension(_chainer_extensions.ExponentialShift),
    InverseShift=_chainer_extension(_chainer_extensions.InverseShift),
    LinearShift=_chainer_extension(_chainer_extensions.LinearShift),
    MultistepShift=_chainer_extension(_chainer_extensions.MultistepShift),
    PolynomialShift=_chainer_extension(_chainer_extensions.PolynomialShift),
    StepShift=_chainer_extension(_chainer_extensions.StepShift),
    WarmupShift=_chainer_extension(_chainer_extensions.WarmupShift),
)

training = types.SimpleNamespace(
    Trainer=Trainer,
    Extension=_extension.Extension,
    make_extension=_extension.make_extension,
    PRIORITY_WRITER=_extension.PRIORITY_WRITER,
    PRIORITY_EDITOR=_extension.PRIORITY_EDITOR,
    PRIORITY_READER=_extension.PRIORITY_READER,
    get_trigger=_trigger.get_trigger,
    triggers=triggers,
    extensions=extensions,
    updaters=chainer.training.updaters,
    updater=chainer.training.updater,
    Updater=chainer.training.Updater,
    StandardUpdater=chainer.training.StandardUpdater,
)

report = _reporting.report
report_scope = _reporting.report_scope
get_current_reporter = _reporting.get_current_reporter
Reporter = _reporting.Reporter
Summary = _reporting.Summary
DictSummary = _reporting.DictSummary
reporter = types.SimpleNamespace(
    report=report, report_scope=report_scope, get_current_reporter=get_current_reporter,
    Reporter=Reporter, Summary=Summary, DictSummary=DictSummary)


def __getattr__(name):
    """Everything ppe has no counterpart of is Chainer's own (links,
    optimizers, iterators, serializers, functions, ...)."""
    return getattr(chainer, name)
