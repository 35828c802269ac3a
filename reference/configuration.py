"""The run-time configuration: ``config.train`` and ``config.enable_backprop``.

Chainer 7.8.1 ``chainer/configuration.py`` (``config``, ``global_config``,
``using_config``) and ``chainer/function.py`` (``no_backprop_mode``,
``force_backprop_mode``).  Code reads ``config.<name>``; a value set in the
current thread hides the global one, which is how ``Evaluator`` runs its
model in test mode without touching other threads.  Only the two entries the
training loop needs have defaults here.
"""
import contextlib
import threading


class GlobalConfig:
    """The process-wide defaults."""

    train = True
    enable_backprop = True


class LocalConfig:
    """Per-thread overrides on top of a ``GlobalConfig``."""

    def __init__(self, global_config):
        object.__setattr__(self, '_global', global_config)
        object.__setattr__(self, '_local', threading.local())

    def __getattr__(self, name):
        local = self._local.__dict__
        if name in local:
            return local[name]
        return getattr(self._global, name)

    def __setattr__(self, name, value):
        setattr(self._local, name, value)

    def __delattr__(self, name):
        delattr(self._local, name)


global_config = GlobalConfig()
config = LocalConfig(global_config)


@contextlib.contextmanager
def using_config(name, value, config=config):
    """Set ``config.<name>`` in this thread for the ``with`` body.

    On exit a previous thread-local value is restored, or the thread-local
    entry is removed so the global one shows again.
    """
    had_local = hasattr(config._local, name)
    old_value = getattr(config, name) if had_local else None
    setattr(config, name, value)
    try:
        yield
    finally:
        if had_local:
            setattr(config, name, old_value)
        else:
            delattr(config, name)


def no_backprop_mode():
    """Functions applied in the body build no graph (outputs get no creator)."""
    return using_config('enable_backprop', False)


def force_backprop_mode():
    """Undo an enclosing ``no_backprop_mode`` for the body."""
    return using_config('enable_backprop', True)
