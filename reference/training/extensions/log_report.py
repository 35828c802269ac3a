"""Average the observation over intervals and keep the means as a log.

Chainer 7.8.1 ``chainer/training/extensions/log_report.py``.  Called every
iteration (the default extension trigger), ``LogReport`` adds the
observation, or its ``keys``, to a ``DictSummary``.  When its own
``trigger`` fires, or when it is called before training, it appends the
means (as Python floats) followed by ``epoch``, ``iteration`` and
``elapsed_time`` to ``log``, rewrites the whole log as JSON and starts a
fresh summary.
"""
import json
import os
import shutil
import tempfile
import warnings

from reference import reporter
from reference import serializer as serializer_module
from reference.training import extension
from reference.training import util


class LogReport(extension.Extension):
    """Trainer extension writing per-interval means to a JSON log.

    Args:
        keys (iterable of str): Observation keys to average; all if ``None``.
        trigger: When to close an interval and emit its means; a tuple goes
            to ``IntervalTrigger``.  Distinct from the extension's trigger.
        postprocess: Called with each new log entry (a dict it may modify)
            before the entry is stored and written.
        filename (str): File under ``trainer.out``, a ``str.format`` template
            filled with the new entry's keys (``'log_{iteration}'``); no file
            is written when it is ``None``.  ``log_name`` is an alias.
    """

    def __init__(self, keys=None, trigger=(1, 'epoch'), postprocess=None,
                 filename='log', **kwargs):
        # Note: Chainer's code has filename=None and falls back to log_name's
        # default 'log', so LogReport(filename=None) still writes 'log'; the
        # reference follows the documented signature (filename='log') and
        # "if the log name is None, it does not output the log to any file"
        # (chainer/training/extensions/log_report.py:LogReport.__init__@v7.8.1).
        if 'log_name' in kwargs:
            log_name = kwargs.pop('log_name')
            if filename is None or filename == 'log':
                filename = log_name
        extension.reject_unexpected_kwargs('__init__', kwargs)
        self._keys = keys
        self._trigger = util.get_trigger(trigger)
        self._postprocess = postprocess
        self._log_name = filename
        self._log = []
        self._init_summary()

    def __call__(self, trainer):
        observation = trainer.observation
        if self._keys is None:
            self._summary.add(observation)
        else:
            self._summary.add({key: observation[key] for key in self._keys
                               if key in observation})

        # The interval trigger is not consulted before training.
        if trainer.is_before_training or self._trigger(trainer):
            entry = {name: float(mean) for name, mean
                     in self._summary.compute_mean().items()}
            entry['epoch'] = trainer.updater.epoch
            entry['iteration'] = trainer.updater.iteration
            entry['elapsed_time'] = trainer.elapsed_time
            if self._postprocess is not None:
                self._postprocess(entry)
            self._log.append(entry)
            if self._log_name is not None:
                self._write(trainer.out, self._log_name.format(**entry))
            self._init_summary()

    def _write(self, out, log_name):
        """Replace ``out/log_name`` by the whole log, written first into a
        temporary directory next to it (prefix ``log_name``) and then moved,
        so a reader never sees a half-written file."""
        tempdir = tempfile.mkdtemp(prefix=log_name, dir=out)
        try:
            path = os.path.join(tempdir, 'log.json')
            with open(path, 'w') as f:
                json.dump(self._log, f, indent=4)
            shutil.move(path, os.path.join(out, log_name))
        finally:
            shutil.rmtree(tempdir)

    @property
    def log(self):
        """The list of entries emitted so far (the object itself)."""
        return self._log

    def serialize(self, serializer):
        """Keys ``_trigger/``, ``_summary/`` and ``_log``, the log as a JSON
        string (so floats go through their JSON text)."""
        if hasattr(self._trigger, 'serialize'):
            self._trigger.serialize(serializer['_trigger'])
        try:
            self._summary.serialize(serializer['_summary'])
        except KeyError:
            warnings.warn('The statistics are not saved.')
        if isinstance(serializer, serializer_module.Serializer):
            serializer('_log', json.dumps(self._log))
        else:
            self._log = json.loads(serializer('_log', ''))

    def _init_summary(self):
        self._summary = reporter.DictSummary()
