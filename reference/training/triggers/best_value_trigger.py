"""Fire when an observed value reaches a new best.

Chainer 7.8.1 ``chainer/training/triggers/minmax_value_trigger.py``.
"""
from reference import reporter
from reference.training import util


class BestValueTrigger:
    """Compares the mean of ``key`` over each interval with the best so far.

    Every call adds ``observation[key]`` (when present) to a ``DictSummary``.
    When the interval trigger fires, the summary's mean is taken (a
    ``KeyError`` if nothing was reported in the interval), the summary starts
    afresh, and the trigger fires if this is the first mean or
    ``compare(best_value, mean)`` is true; the mean then becomes the best.

    Args:
        key (str): The observation key to watch.
        compare: ``compare(best, new) -> bool``, true when ``new`` is better.
        trigger: When to compare; anything ``get_trigger`` accepts.
    """

    def __init__(self, key, compare, trigger=(1, 'epoch')):
        self._key = key
        self._best_value = None
        self._interval_trigger = util.get_trigger(trigger)
        self._init_summary()
        self._compare = compare

    def __call__(self, trainer):
        if self._key in trainer.observation:
            self._summary.add({self._key: trainer.observation[self._key]})
        if not self._interval_trigger(trainer):
            return False

        value = float(self._summary.compute_mean()[self._key])
        self._init_summary()
        if self._best_value is None or self._compare(self._best_value, value):
            self._best_value = value
            return True
        return False

    def _init_summary(self):
        self._summary = reporter.DictSummary()

    def serialize(self, serializer):
        """Keys ``interval_trigger/``, ``summary/`` and ``best_value``.

        A fresh trigger (best ``None``) loads ``best_value`` as the raw
        stored array, as any ``None`` target does.
        """
        self._interval_trigger.serialize(serializer['interval_trigger'])
        self._summary.serialize(serializer['summary'])
        self._best_value = serializer('best_value', self._best_value)


class MaxValueTrigger(BestValueTrigger):
    """Fires when the interval mean of ``key`` is strictly above the best."""

    def __init__(self, key, trigger=(1, 'epoch')):
        super().__init__(key, _greater, trigger)


class MinValueTrigger(BestValueTrigger):
    """Fires when the interval mean of ``key`` is strictly below the best."""

    def __init__(self, key, trigger=(1, 'epoch')):
        super().__init__(key, _less, trigger)


def _greater(best, new):
    return new > best


def _less(best, new):
    return new < best
