"""Extensions putting a value computed from the trainer into the observation.

Chainer 7.8.1 ``chainer/training/extensions/value_observation.py``.  They are
writers (``PRIORITY_WRITER``), so readers such as ``LogReport`` called in the
same iteration see the value; by default they run once per epoch.
"""
from reference.training import extension


def observe_value(observation_key, target_func):
    """An extension storing ``target_func(trainer)`` under
    ``observation_key`` (default name ``'_observe_value'``)."""
    @extension.make_extension(
        trigger=(1, 'epoch'), priority=extension.PRIORITY_WRITER)
    def _observe_value(trainer):
        trainer.observation[observation_key] = target_func(trainer)
    return _observe_value


def observe_lr(optimizer_name='main', observation_key='lr'):
    """``observe_value`` of the ``lr`` attribute of an updater's optimizer,
    read at each call."""
    return observe_value(
        observation_key,
        lambda trainer: trainer.updater.get_optimizer(optimizer_name).lr)
