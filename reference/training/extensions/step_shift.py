"""Multiply an optimizer attribute by ``gamma`` every ``step`` calls.

Chainer 7.8.1 ``chainer/training/extensions/step_shift.py``: call ``k`` sets
``init * gamma ** numpy.floor(k / step)``, which is a ``numpy.float64``
rather than a Python float (under NumPy 2 it makes CPU updates compute in
float64).
"""
import numpy

from reference.training.extensions import _shift


class StepShift(_shift.ScaledInitShift):
    """Staircase schedule of ``attr``.

    Args:
        attr (str): Name of the optimizer attribute to shift.
        gamma (float): Factor applied at each step.
        step (int): Number of calls per step.
        init (float): Starting value; read from the optimizer if ``None``.
        target (float): Value at which the shift stops, or ``None``.
        optimizer: Optimizer to adjust; the trainer's ``'main'`` if ``None``.
    """

    def __init__(self, attr, gamma, step, init=None, target=None,
                 optimizer=None):
        super().__init__(attr, init, optimizer)
        self._gamma = gamma
        self._step = step
        self._target = target

    def __call__(self, trainer):
        self._t += 1
        self._set(self._get_optimizer(trainer), self._value(self._t))

    def _value(self, t):
        value = self._init * self._gamma ** numpy.floor(t / self._step)
        return _shift.clamp_to_target(value, self._target, self._gamma > 1)

    def _as_set(self, value):
        # Call _t set a numpy.float64 (or the target, when clamped).
        scheduled = self._value(self._t) if self._t > 0 else None
        return scheduled if scheduled == value else value
