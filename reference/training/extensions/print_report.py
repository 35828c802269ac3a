"""Print the new entries of a ``LogReport``'s log as table rows.

Chainer 7.8.1 ``chainer/training/extensions/print_report.py``.  Each column
is ``max(10, len(entry))`` characters wide plus two spaces of separation;
the header is written at the first call, a value is formatted with ``g``
and left-aligned, and a key missing from an entry leaves its cell blank.
Before each row the extension writes ``ESC [J`` (erase below the cursor),
which overwrites a ``ProgressBar`` drawn there.
"""
import sys

from reference.training import extension
from reference.training.extensions import log_report as log_report_module


class PrintReport(extension.Extension):
    """Trainer extension printing the log of a ``LogReport``.

    Args:
        entries (list of str): Log keys to print, one column each.
        log_report (str or LogReport): The name of a ``LogReport`` registered
            to the trainer, or a ``LogReport`` that this extension calls
            itself on every call.
        out: Stream to print to (standard output by default).
    """

    def __init__(self, entries, log_report='LogReport', out=sys.stdout):
        self._entries = entries
        self._log_report = log_report
        self._out = out
        self._log_len = 0  # entries of the log already printed

        widths = [max(10, len(entry)) for entry in entries]
        self._header = '  '.join(
            ('{:%d}' % width).format(entry)
            for entry, width in zip(entries, widths)) + '\n'
        self._templates = [
            (entry, '{:<%dg}  ' % width, ' ' * (width + 2))
            for entry, width in zip(entries, widths)]

    def __call__(self, trainer):
        if self._header:
            self._out.write(self._header)
            self._header = None

        log_report = self._log_report
        if isinstance(log_report, str):
            log_report = trainer.get_extension(log_report)
        elif isinstance(log_report, log_report_module.LogReport):
            log_report(trainer)
        else:
            raise TypeError('log report has a wrong type %s' %
                            type(log_report))

        log = log_report.log
        # Note: on Windows Chainer erases through the console API instead of
        # writing ESC [J (chainer/training/extensions/print_report.py:
        # PrintReport.__call__@v7.8.1).
        while len(log) > self._log_len:
            self._out.write('\033[J')
            self._print(log[self._log_len])
            self._log_len += 1

    def serialize(self, serializer):
        """Only an owned ``LogReport`` is saved (under ``_log_report/``); the
        count of printed rows is not, so after a resume the whole restored
        log is printed again."""
        if isinstance(self._log_report, log_report_module.LogReport):
            self._log_report.serialize(serializer['_log_report'])

    def _print(self, observation):
        out = self._out
        for entry, template, blank in self._templates:
            if entry in observation:
                out.write(template.format(observation[entry]))
            else:
                out.write(blank)
        out.write('\n')
        if hasattr(out, 'flush'):
            out.flush()
