"""Draw a progress bar of the whole training and of the current epoch.

Chainer 7.8.1 ``chainer/training/extensions/progress_bar.py`` and the
``ProgressBar`` helper of ``extensions/util.py``.  Every ``update_interval``
iterations it writes ``ESC [J``, four lines (total bar, epoch bar, counts,
speed and estimated time) and ``ESC [4A``, so the next drawing (or the next
``PrintReport`` row) lands on top of it; ``finalize`` erases it.  The speed is
measured over the last 100 drawings.
"""
import collections
import datetime
import sys
import time

from reference.training import extension


class ProgressBar(extension.Extension):
    """Trainer extension printing a progress bar and the training speed.

    Args:
        training_length (tuple): ``(length, 'epoch' or 'iteration')``; if
            ``None``, ``trainer.stop_trigger.get_training_length()``.
        update_interval (int): Draw when ``iteration % update_interval == 0``.
        bar_length (int): Length of the bars in characters.
        out: Stream to print the bar to (standard output by default).
    """

    # Note: Chainer's code builds its bar helper without passing it
    # training_length, bar_length or out, so it always uses the stop
    # trigger's length, 50 characters and the sys.stdout of construction
    # time; the reference honours the three documented arguments
    # (chainer/training/extensions/progress_bar.py:ProgressBar.__init__@v7.8.1).
    def __init__(self, training_length=None, update_interval=100,
                 bar_length=50, out=sys.stdout):
        self._training_length = training_length
        self._update_interval = update_interval
        self._bar_length = bar_length
        self._out = out
        self._status_template = None
        self._recent_timing = collections.deque(maxlen=100)

    def __call__(self, trainer):
        if trainer.updater.iteration % self._update_interval == 0:
            lines = self._lines(trainer)
            # Note: on Windows Chainer moves the cursor through the console
            # API instead of escape sequences
            # (chainer/training/extensions/util.py:ProgressBar.update@v7.8.1).
            self._out.write('\033[J')
            for line in lines:
                self._out.write(line)
            self._out.write('\033[{:d}A'.format(len(lines)))
            self._flush()

    def finalize(self):
        self._out.write('\033[J')
        self._flush()

    def _flush(self):
        if hasattr(self._out, 'flush'):
            self._out.flush()

    def _bar(self, rate):
        marks = '#' * int(rate * self._bar_length)
        return '[{}{}] {:6.2%}'.format(
            marks, '.' * (self._bar_length - len(marks)), rate)

    def _lines(self, trainer):
        updater = trainer.updater
        iteration = updater.iteration
        epoch = updater.epoch_detail
        if self._training_length is None:
            self._training_length = \
                trainer.stop_trigger.get_training_length()
        length, unit = self._training_length

        rate = min((iteration if unit == 'iteration' else epoch) / length,
                   1.0)
        lines = ['     total ' + self._bar(rate) + '\n',
                 'this epoch ' + self._bar(epoch - int(epoch)) + '\n']

        if self._status_template is None:
            self._status_template = (
                '{0.iteration:10} iter, {0.epoch} epoch / %s %ss\n'
                % self._training_length)
        lines.append(self._status_template.format(updater))

        speed_t, speed_e = self._update_speed(iteration, epoch)
        if unit == 'iteration':
            remaining = (length - iteration) / speed_t
        else:
            remaining = (length - epoch) / speed_e
        lines.append('{:10.5g} iters/sec. Estimated time to finish: {}.\n'
                     .format(speed_t, datetime.timedelta(
                         seconds=max(remaining, 0.0))))
        return lines

    def _update_speed(self, iteration, epoch_detail):
        """Iterations and epochs per second since the oldest kept drawing
        (infinite when no time has passed)."""
        now = time.time()
        self._recent_timing.append((iteration, epoch_detail, now))
        old_iteration, old_epoch, old_time = self._recent_timing[0]
        span = now - old_time
        if span == 0:
            return float('inf'), float('inf')
        return ((iteration - old_iteration) / span,
                (epoch_detail - old_epoch) / span)
