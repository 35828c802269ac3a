"""The ratio of summed numerators to summed denominators over an interval.

Chainer 7.8.1 ``chainer/training/extensions/micro_average.py``.  Iterations
whose observation lacks either key are skipped entirely (the interval
trigger is not even consulted); when the trigger fires the ratio is reported
as a Python float under ``result_key`` and both sums restart from 0.
"""
from reference import reporter
from reference.training import extension
from reference.training import util


class MicroAverage(extension.Extension):
    """Report ``sum(numerators) / sum(denominators)`` per interval.

    Args:
        numerator_key (str): Observation key of the numerator.
        denominator_key (str): Observation key of the denominator.
        result_key (str): Key under which the ratio is reported.
        trigger: When to emit the ratio; a tuple goes to ``IntervalTrigger``.
            Distinct from the extension's own trigger.
    """

    priority = extension.PRIORITY_EDITOR

    def __init__(self, numerator_key, denominator_key, result_key,
                 trigger=(1, 'epoch')):
        self._trigger = util.get_trigger(trigger)
        self._numerator_key = numerator_key
        self._denominator_key = denominator_key
        self._result_key = result_key
        self._numerator = 0
        self._denominator = 0

    def __call__(self, trainer):
        observation = trainer.observation
        if (self._numerator_key not in observation
                or self._denominator_key not in observation):
            return
        self._numerator += observation[self._numerator_key]
        self._denominator += observation[self._denominator_key]
        if self._trigger(trainer):
            result = float(self._numerator) / self._denominator
            self._numerator = 0
            self._denominator = 0
            reporter.report({self._result_key: result})

    def serialize(self, serializer):
        """Keys ``_numerator`` and ``_denominator``; the interval trigger's
        state is not saved."""
        self._numerator = serializer('_numerator', self._numerator)
        self._denominator = serializer('_denominator', self._denominator)
