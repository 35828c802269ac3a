"""Stop training when a monitored value stops improving.

Chainer 7.8.1 ``chainer/training/triggers/early_stopping_trigger.py``.
"""
import operator
import warnings

from reference import reporter
from reference.training import extension
from reference.training import util


class EarlyStoppingTrigger:
    """A stop trigger: true once ``patience`` checks in a row found no new best.

    Every call adds ``observation[monitor]`` (when present) to a summary, then
    returns true if ``max_trigger`` fires.  Otherwise, when ``check_trigger``
    fires, the mean over the interval is compared with ``best``
    (``operator.gt`` or ``operator.lt``, strict): a better mean becomes
    ``best`` and resets ``count``, anything else increments it, and the
    trigger is true when ``count >= patience``.

    Nothing is serialized: ``Trainer.serialize`` skips a stop trigger without
    ``serialize``, so a resumed run starts with ``count == 0``, ``best`` at
    infinity and fresh interval triggers.

    Args:
        check_trigger: When to compare; anything ``get_trigger`` accepts.
        monitor (str): The observation key to watch.
        patience (int): Checks without improvement that stop training (3 if
            neither it nor its alias ``patients`` is given).
        mode (str): ``'max'``, ``'min'``, or anything else for auto: greater
            is better when ``'accuracy'`` is in ``monitor``, less otherwise.
        verbose (bool): Print the chosen comparison and the stopping epoch.
        max_trigger: Stop regardless once this fires.
    """

    def __init__(self, check_trigger=(1, 'epoch'), monitor='main/loss',
                 patience=None, mode='auto', verbose=False,
                 max_trigger=(100, 'epoch'), **kwargs):
        patients = kwargs.pop('patients', None)
        extension.reject_unexpected_kwargs('__init__', kwargs)
        if patients is not None:
            if patience is not None:
                raise TypeError(
                    'Both \'patience\' and \'patients\' arguments are '
                    'specified. \'patients\' is an alias of the former. '
                    'Specify only \'patience\'.')
            patience = patients
        elif patience is None:
            patience = 3

        self.count = 0
        self.patience = patience
        self.monitor = monitor
        self.verbose = verbose
        self.already_warning = False  # kept by Chainer, never used
        self._max_trigger = util.get_trigger(max_trigger)
        self._interval_trigger = util.get_trigger(check_trigger)
        self._init_summary()

        if mode == 'max':
            self._compare = operator.gt
        elif mode == 'min':
            self._compare = operator.lt
        elif 'accuracy' in monitor:
            self._compare = operator.gt
        else:
            self._compare = operator.lt

        if self._compare is operator.gt:
            if verbose:
                print('early stopping: operator is greater')
            self.best = float('-inf')
        else:
            if verbose:
                print('early stopping: operator is less')
            self.best = float('inf')

    def __call__(self, trainer):
        observation = trainer.observation
        if self.monitor in observation:
            self._summary.add({self.monitor: observation[self.monitor]})

        if self._max_trigger(trainer):
            return True
        if not self._interval_trigger(trainer):
            return False

        # Note: Chainer tests the monitor in this iteration's observation, so
        # an interval whose last iteration lacks it is skipped (with the
        # warning) and its values carry over into the next interval; the
        # reference compares the mean of whatever the interval accumulated,
        # as the class docstring says ("At the end of each interval, it
        # computes the mean of the accumulated values")
        # (chainer/training/triggers/early_stopping_trigger.py:EarlyStoppingTrigger.__call__@v7.8.1).
        mean = self._summary.compute_mean()
        if self.monitor not in mean:
            warnings.warn(f'{self.monitor} is not in observation')
            return False
        current = mean[self.monitor]
        self._init_summary()

        if self._compare(current, self.best):
            self.best = current
            self.count = 0
        else:
            self.count += 1

        if self._stop_condition():
            if self.verbose:
                print(f'Epoch {trainer.updater.epoch}: early stopping')
            return True
        return False

    def _stop_condition(self):
        return self.count >= self.patience

    def _init_summary(self):
        self._summary = reporter.DictSummary()

    def get_training_length(self):
        """The length ``max_trigger`` gives (``ProgressBar`` reads it)."""
        return self._max_trigger.get_training_length()
