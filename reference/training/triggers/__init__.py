"""Built-in triggers (``chainer.training.triggers``)."""
from reference.training.triggers.interval_trigger import IntervalTrigger  # NOQA
from reference.training.triggers.manual_schedule_trigger import ManualScheduleTrigger  # NOQA
from reference.training.triggers.once_trigger import OnceTrigger  # NOQA
from reference.training.triggers.best_value_trigger import BestValueTrigger  # NOQA
from reference.training.triggers.best_value_trigger import MaxValueTrigger  # NOQA
from reference.training.triggers.best_value_trigger import MinValueTrigger  # NOQA
from reference.training.triggers.early_stopping_trigger import EarlyStoppingTrigger  # NOQA
from reference.training.triggers.time_trigger import TimeTrigger  # NOQA
