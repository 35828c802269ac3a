"""What every optimizer-attribute shift shares.

Chainer 7.8.1 ``chainer/training/extensions/*_shift.py``.  A shift sets one
attribute of an optimizer (``setattr``, so only names the optimizer proxies
have an effect) once in ``initialize`` and then on every call; ``_t``
counts the calls.  ``optimizer=None`` means the trainer's ``'main'``
optimizer, looked up each time.
"""
import numpy

from reference import serializer as serializer_module
from reference.training import extension


def _scalar_of(serializer, key, array, as_saved):
    """The number a None target loads from ``array``; an array of another
    size fails with the error type Chainer gives, naming the key.

    Chainer calls ``.item()`` on what a fresh shift's ``None`` loads
    (``ValueError``), and converts into the ``float`` an initialized shift
    holds (``TypeError``) (chainer/training/extensions/_shift.py@v7.8.1).
    """
    if array.size == 1:
        return array.item()
    error = TypeError if as_saved else ValueError
    raise error(f'cannot load {_full_key(serializer, key)!r}: an array of shape '
                f'{array.shape} is not a number (only size-1 arrays are)')


def _full_key(serializer, key):
    """The key as the file has it: the serializer's path (NpzDeserializer
    and DictionarySerializer have one) and the extension's own key."""
    return getattr(serializer, 'path', '') + key


class OptimizerShift(extension.Extension):
    """Base of the shifts: optimizer lookup, ``initialize`` and (re)loading.

    ``_SAVED`` lists the saved attributes, in key order, with their values
    in a fresh shift.  Subclasses implement ``_start(optimizer)``, what
    ``initialize`` does to the optimizer.
    """

    _SAVED = (('_t', 0),)

    def __init__(self, attr, optimizer):
        self._attr = attr
        self._optimizer = optimizer
        self._initialized_by = None
        self._reset_saved_state()

    def _reset_saved_state(self):
        for key, fresh_value in self._SAVED:
            setattr(self, key, fresh_value)

    def _get_optimizer(self, trainer):
        return self._optimizer or trainer.updater.get_optimizer('main')

    def initialize(self, trainer):
        self._initialized_by = trainer
        self._start(self._get_optimizer(trainer))

    def serialize(self, serializer):
        reload = (self._initialized_by is not None
                  and isinstance(serializer, serializer_module.Deserializer))
        for key, _ in self._SAVED:
            target = getattr(self, key)
            as_saved = reload and key == '_last_value'
            if as_saved:
                # The value set last is taken as saved: an int start value
                # (LinearShift((1, 0), ...)) is followed by floats, and a
                # saved int stays an int.
                target = None
            value = serializer(key, target)
            if isinstance(value, numpy.ndarray):
                # A None target receives the raw 0-d array.
                value = _scalar_of(serializer, key, value, as_saved)
            if as_saved and not isinstance(value, (int, float, type(None))):
                raise TypeError(f'extension state {_full_key(serializer, key)!r} must be a '
                                f'number or None, not {type(value).__name__}')
            setattr(self, key, value)
        if reload:
            # Note: Chainer applies loaded state only in initialize, and
            # snapshot(autoload=True) loads after the shifts initialized
            # (priority -100): the fresh value stays in the optimizer until
            # the next call, and a _last_value that became an int in
            # initialize refuses a saved float (TypeError).  The snapshot
            # docs promise a resumable state, so a load into an initialized
            # shift re-applies the loaded state at once
            # (chainer/training/extensions/_snapshot.py:_Snapshot.initialize@v7.8.1).
            self._start(self._get_optimizer(self._initialized_by))

    def _start(self, optimizer):
        raise NotImplementedError


class LastValueShift(OptimizerShift):
    """A shift remembering the value it set last, to restore it on resume."""

    _SAVED = (('_t', 0), ('_last_value', None))

    def _start(self, optimizer):
        # A loaded _last_value means a resume: restore what was set last.
        if self._last_value is not None:
            self._set(optimizer, self._as_set(self._last_value))
        else:
            self._set(optimizer, self._first_value())

    def _first_value(self):
        raise NotImplementedError

    def _as_set(self, value):
        """A loaded ``_last_value`` with the type the schedule gave it.

        A snapshot keeps only the number; where a schedule sets NumPy
        scalars, the resumed run must too, since NumPy 2 computes
        ``lr * grad`` in float64 with a ``numpy.float64`` and in the array's
        dtype with a Python float (NEP 50).
        """
        return value

    def _set(self, optimizer, value):
        setattr(optimizer, self._attr, value)
        self._last_value = value


class ScaledInitShift(LastValueShift):
    """A shift whose values are ``init`` times a factor of the call count.

    ``init`` is captured from the optimizer when not given, and is not
    saved: a resumed process recaptures it from its freshly built optimizer.
    """

    def __init__(self, attr, init, optimizer):
        super().__init__(attr, optimizer)
        self._init = init

    def _start(self, optimizer):
        if self._init is None:
            self._init = getattr(optimizer, self._attr)
        super()._start(optimizer)

    def _first_value(self):
        return self._init


def clamp_to_target(value, target, increasing):
    """Hold ``value`` at ``target`` once it passes it.

    An increasing shift is capped (``value / target > 1``), a decreasing one
    floored (``value / target < 1``); the ratio form also works for negative
    values, and raises ``ZeroDivisionError`` for a zero Python-float target.
    """
    if target is None:
        return value
    if increasing:
        if value / target > 1:
            return target
    elif value / target < 1:
        return target
    return value
