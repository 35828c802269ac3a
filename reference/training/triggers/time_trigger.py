"""Fire every ``period`` seconds of training time.

Chainer 7.8.1 ``chainer/training/triggers/time_trigger.py``.
"""


class TimeTrigger:
    """Fires when ``trainer.elapsed_time`` has passed ``next_time`` (strictly).

    ``next_time`` starts at ``period`` and moves by one period per firing, so
    after a long pause the trigger fires on several consecutive calls until
    it has caught up.  ``elapsed_time`` includes the time of the run a
    snapshot came from, and ``next_time`` is serialized, so a resumed
    trigger keeps its schedule.

    Args:
        period (float): Seconds between firings.
    """

    def __init__(self, period):
        self._period = period
        self._next_time = self._period

    def __call__(self, trainer):
        if self._next_time < trainer.elapsed_time:
            self._next_time += self._period
            return True
        return False

    def serialize(self, serializer):
        """Key ``next_time``."""
        self._next_time = serializer('next_time', self._next_time)
