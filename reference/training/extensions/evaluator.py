"""Evaluate models on a validation set and report the means.

Chainer 7.8.1 ``chainer/training/extensions/evaluator.py``.
"""
import collections
import copy
import datetime
import sys
import time
import warnings

from reference import backend
from reference import configuration
from reference import iterators
from reference import link
from reference import reporter as reporter_module
from reference.dataset import convert
from reference.dataset import iterator as iterator_module
from reference.training import extension


class Evaluator(extension.Extension):
    """Run ``eval_func`` over the whole validation iterator; report the means.

    Each call registers the targets (and their child links) as observers
    under ``<name>/<target name>`` on a fresh reporter, so a link named
    ``main`` reporting ``loss`` in an extension named ``validation`` gives
    ``validation/main/loss``.  The per-batch observations are averaged by a
    ``DictSummary``; the means are returned and reported to the current
    reporter (the trainer's) as they are, without an observer.

    The whole evaluation runs with ``config.train`` false, and ``eval_func``
    under ``no_backprop_mode``.  Only the ``'main'`` iterator and target are
    used by ``evaluate``; the main iterator is ``reset()`` before each pass
    (or copied, with a ``DeprecationWarning``, when it has no ``reset``).

    Args:
        iterator: The validation iterator, or a dict of them (a single one
            is registered as ``'main'``).
        target: A link, or a dict of links (a single one is ``'main'``).
        converter: Builds the arguments of ``eval_func`` from a batch; an
            old-style function gets ``-1`` for a CPU device.
        device: Where the converter sends the data (``get_device`` spec).
        eval_hook: Called with the evaluator at the start of each pass.
        eval_func: Called on each converted batch; the main target if None.
        progress_bar (bool): Show a progress bar on stdout while evaluating.
    """

    trigger = 1, 'epoch'
    default_name = 'validation'
    priority = extension.PRIORITY_WRITER
    name = None

    def __init__(self, iterator, target, converter=convert.concat_examples,
                 device=None, eval_hook=None, eval_func=None, *,
                 progress_bar=False):
        if device is not None:
            device = backend.get_device(device)
        if isinstance(iterator, iterator_module.Iterator):
            iterator = {'main': iterator}
        self._iterators = iterator
        if isinstance(target, link.Link):
            target = {'main': target}
        self._targets = target

        self.converter = converter
        self.device = device
        self.eval_hook = eval_hook
        self.eval_func = eval_func
        self._progress_bar = progress_bar

        for key, it in iterator.items():
            if (isinstance(it, (iterators.SerialIterator,
                                iterators.MultiprocessIterator,
                                iterators.MultithreadIterator))
                    and getattr(it, 'repeat', False)):
                # Note: Chainer's message loses all but its first line to a
                # missing parenthesis and is never formatted ('The `repeat`
                # property of the iterator {} '); the reference warns with
                # the whole message (chainer/training/extensions/evaluator.py:Evaluator.__init__@v7.8.1).
                warnings.warn(
                    f'The `repeat` property of the iterator {key} is set to '
                    '`True`. Typically, the evaluator sweeps over iterators '
                    'until they stop, but as the property being `True`, '
                    'this iterator might not stop and evaluation could go '
                    'into an infinite loop. We recommend to check the '
                    'configuration of iterators')

    def get_iterator(self, name):
        return self._iterators[name]

    def get_all_iterators(self):
        return dict(self._iterators)

    def get_target(self, name):
        return self._targets[name]

    def get_all_targets(self):
        return dict(self._targets)

    def __call__(self, trainer=None):
        """Evaluate and report; ``trainer`` is not needed (nor used)."""
        reporter = reporter_module.Reporter()
        prefix = '' if self.name is None else self.name + '/'
        for name, target in self._targets.items():
            reporter.add_observer(prefix + name, target)
            reporter.add_observers(prefix + name,
                                   target.namedlinks(skipself=True))
        with reporter:
            with configuration.using_config('train', False):
                result = self.evaluate()
        reporter_module.report(result)
        return result

    def evaluate(self):
        """One pass over the main iterator; the dict of means.

        Meant to be overridden; it runs inside ``__call__``'s reporter.
        """
        iterator = self._iterators['main']
        eval_func = self.eval_func or self._targets['main']

        if self.eval_hook:
            self.eval_hook(self)

        if hasattr(iterator, 'reset'):
            iterator.reset()
            it = iterator
        else:
            warnings.warn(
                'This iterator does not have the reset method. Evaluator '
                'copies the iterator instead of resetting. This behavior is '
                'deprecated. Please implement the reset method.',
                DeprecationWarning)
            it = copy.copy(iterator)

        summary = reporter_module.DictSummary()
        if self._progress_bar:
            pbar = _IteratorProgressBar(it)

        for batch in it:
            observation = {}
            with reporter_module.report_scope(observation):
                in_arrays = convert.call_converter(
                    self.converter, batch, self.device)
                with configuration.no_backprop_mode():
                    if isinstance(in_arrays, tuple):
                        eval_func(*in_arrays)
                    elif isinstance(in_arrays, dict):
                        eval_func(**in_arrays)
                    else:
                        eval_func(in_arrays)
            summary.add(observation)
            if self._progress_bar:
                pbar.update()

        if self._progress_bar:
            pbar.close()
        return summary.compute_mean()

    def finalize(self):
        """Finalize every iterator (not only the main one)."""
        for iterator in self._iterators.values():
            iterator.finalize()


class _IteratorProgressBar:
    """Three redrawn lines on stdout: bar, position, speed and time left.

    The iterator needs ``current_position`` and ``epoch_detail``.
    """

    def __init__(self, iterator, bar_length=50, out=None):
        if not (hasattr(iterator, 'current_position')
                and hasattr(iterator, 'epoch_detail')):
            raise TypeError('Iterator must have the following attributes '
                            'to enable a progress bar: '
                            'current_position, epoch_detail')
        self._iterator = iterator
        self._bar_length = bar_length
        self._out = sys.stdout if out is None else out
        self._recent_timing = collections.deque([], maxlen=100)

    def _speed(self, iteration, epoch_detail):
        """Iterations and epochs per second over the last 100 updates."""
        now = time.time()
        self._recent_timing.append((iteration, epoch_detail, now))
        old_iteration, old_epoch_detail, old_now = self._recent_timing[0]
        span = now - old_now
        if span == 0:
            return float('inf'), float('inf')
        return ((iteration - old_iteration) / span,
                (epoch_detail - old_epoch_detail) / span)

    def _lines(self):
        iteration = self._iterator.current_position
        rate = self._iterator.epoch_detail
        epoch_size = getattr(self._iterator, '_epoch_size', None)
        marks = '#' * int(rate * self._bar_length)
        lines = ['validation [{}{}] {:6.2%}\n'.format(
            marks, '.' * (self._bar_length - len(marks)), rate)]
        if epoch_size:
            lines.append(f'{iteration:10} / {epoch_size} iterations\n')
        else:
            lines.append(f'{iteration:10} iterations\n')
        speed_t, speed_e = self._speed(iteration, rate)
        left = datetime.timedelta(seconds=(1.0 - rate) / speed_e)
        lines.append(f'{speed_t:10.5g} iters/sec. '
                     f'Estimated time to finish: {left}.\n')
        return lines

    # Note: only the ANSI escapes are written; Chainer uses the Win32
    # console API on Windows (chainer/training/extensions/util.py:ProgressBar@v7.8.1).
    def update(self):
        self._out.write('\033[J')
        lines = self._lines()
        for line in lines:
            self._out.write(line)
        self._out.write(f'\033[{len(lines):d}A')
        self._out.flush()

    def close(self):
        self._out.write('\033[J')
        self._out.flush()
