"""Optimizers, update rules and their hyperparameters (Chainer's ``optimizer`` module).

An optimizer owns one ``Hyperparameter``; every parameter of its target gets
an ``UpdateRule`` whose hyperparameter falls back to the optimizer's.  Rules
update one parameter each; the optimizer orders hooks and rule updates.
"""
import collections
import copy
import math
import warnings

import numpy

from reference import backend
from reference import optimizer_hooks
from reference.link import Link
from reference.variable import Parameter, Variable

_TIMINGS = ('pre', 'post')

# Note: the deprecated aliases chainer.optimizer.WeightDecay, Lasso,
# GradientClipping, GradientNoise and GradientHardClipping are not provided;
# use reference.optimizer_hooks (chainer/optimizer.py:WeightDecay@v7.8.1)


class _HookRegistry:
    """Named hooks in registration order, split by timing ('pre' / 'post')."""

    def __init__(self, warn_on_invalid_timing):
        # An optimizer warns and falls back to 'pre' on a bad ``hook.timing``;
        # an update rule silently files such a hook under 'post'.
        self._hooks = {'pre': collections.OrderedDict(),
                       'post': collections.OrderedDict()}
        self._warn_on_invalid_timing = warn_on_invalid_timing

    def add(self, hook, name, timing):
        if not callable(hook):
            raise TypeError('hook function must be callable')
        if timing not in ('pre', 'post', 'auto'):
            raise ValueError("timing must be one of ('pre', 'post', 'auto')")
        if timing == 'auto':
            timing = getattr(hook, 'timing', 'pre')
            if timing not in _TIMINGS and self._warn_on_invalid_timing:
                warnings.warn(
                    "Hook timing attribute not in ('pre', 'post'), "
                    "defaulting timing to 'pre'.")
                timing = 'pre'
        if name is None:
            name = getattr(hook, 'name', getattr(hook, '__name__', None))
            if name is None:
                raise ValueError('the name of the hook function is not specified')
        if name in self._hooks['pre'] or name in self._hooks['post']:
            raise KeyError('hook "{}" already exists'.format(name))
        self._hooks['pre' if timing == 'pre' else 'post'][name] = hook

    def remove(self, name):
        try:
            del self._hooks['pre'][name]
        except KeyError:
            del self._hooks['post'][name]

    def get(self, timing):
        if timing not in _TIMINGS:
            raise ValueError("timing must be either 'pre' or 'post'")
        return self._hooks[timing]


class Hyperparameter:
    """Hyperparameter entries; a missing entry is looked up on the parent, recursively."""

    def __init__(self, parent=None):
        self._parent = parent

    def __getattr__(self, name):
        # Only reached for names not set on this object.
        if '_parent' not in self.__dict__:
            raise AttributeError('_parent is not set up yet')
        return getattr(self._parent, name)

    def __repr__(self):
        d = self.get_dict()
        return 'Hyperparameter(%s)' % ', '.join(
            '%s=%s' % (k, d[k]) for k in sorted(d))

    @property
    def parent(self):
        return self._parent

    def get_dict(self):
        """All visible entries: the parent's, overridden by this object's own."""
        d = {} if self._parent is None else self._parent.get_dict()
        d.update((k, v) for k, v in self.__dict__.items() if k != '_parent')
        return d


class UpdateRule:
    """How one parameter is updated from its gradient; holds per-parameter state.

    Subclasses override ``update_core`` (or ``update_core_cpu`` and
    ``update_core_gpu``) and, if they keep state, ``init_state``.
    """

    is_elementwise = False

    def __init__(self, parent_hyperparam=None):
        self._state = None
        self.enabled = True
        self.hyperparam = Hyperparameter(parent_hyperparam)
        self.t = 0
        self._use_fp32_update = False
        self._fp32_param = None
        self._hooks = _HookRegistry(warn_on_invalid_timing=False)

    @property
    def state(self):
        return self._state

    def add_hook(self, hook, name=None, timing='auto'):
        """Register ``hook(rule, param)``, run inside ``update`` before/after the update."""
        self._hooks.add(hook, name, timing)

    def remove_hook(self, name):
        self._hooks.remove(name)

    def _call_hooks(self, timing, param):
        for hook in self._hooks.get(timing).values():
            hook(self, param)

    def update(self, param):
        """Count the step, prepare state and grad, then hooks and ``update_core``.

        A disabled rule does nothing at all, not even count the step.
        """
        if not self.enabled:
            return
        self.t += 1
        # Note: no device context is entered: the reference assumes one GPU at
        # most (chainer/optimizer.py:UpdateRule.update@v7.8.1)
        try:
            dtype = param.dtype
        except RuntimeError:
            dtype = None  # uninitialized and no dtype given
        initialized = param.array is not None
        fp32 = self._use_fp32_update and dtype == numpy.float16
        target = self._fp32_master(param, initialized) if fp32 else param
        if initialized:
            self._init_states(target)
            if param._loss_scale is not None:
                target.grad /= param._loss_scale
        self._call_hooks('pre', target)
        self.update_core(target)
        self._call_hooks('post', target)
        if fp32:
            if initialized:
                param.array = target.array.astype(param.dtype)
            target.grad = None

    def _fp32_master(self, param, initialized):
        # A float32 copy that is updated in place of a float16 param.
        if self._fp32_param is None:
            if initialized:
                self._fp32_param = Parameter(param.array.astype(numpy.float32),
                                             name=param.name)
            else:
                self._fp32_param = Parameter(_DtypeOnly(numpy.float32), name=param.name)
        if initialized:
            self._fp32_param.grad = param.grad.astype(numpy.float32)
        return self._fp32_param

    def update_core(self, param):
        """Update ``param`` in place; dispatches on where its array lives."""
        if backend.get_array_module(param.array) is numpy:
            self.update_core_cpu(param)
        else:
            self.update_core_gpu(param)

    def update_core_cpu(self, param):
        raise NotImplementedError

    def update_core_gpu(self, param):
        raise NotImplementedError

    def init_state(self, param):
        """Fill ``self.state`` for ``param``; called once, at the first update."""

    def _init_states(self, param):
        if self._state is None:
            self._state = {}
            self.init_state(param)
        device = param.device
        for name, value in self._state.items():
            if isinstance(value, backend.get_array_types()):
                self._state[name] = device.send(value)

    def serialize(self, serializer):
        """Save or load ``t`` and the state arrays (never the hyperparameters)."""
        from reference.serializer import Deserializer

        self.t = serializer('t', self.t)
        if self._state is not None:
            for key in self._state:
                self._state[key] = serializer(key, self._state[key])
        elif isinstance(serializer, Deserializer):
            self._load_into_empty_state(serializer)

    def _load_into_empty_state(self, serializer):
        # The state keys are found by running init_state on a probe that
        # shares this rule's state dict.
        self._state = {}
        dummy = numpy.empty(1, dtype=numpy.float32)
        copy.copy(self).init_state(Variable(dummy, grad=dummy))
        for key in self._state:
            try:
                value = serializer(key, None)
            except KeyError:
                if self.enabled:
                    raise
                value = None
            if value is None:
                # Missing keys: leave the state to be initialized at the next update.
                self._state = None
                break
            self._state[key] = value

    def use_fp32_update(self, flag=True):
        """Update float16 params through a float32 master copy."""
        self._use_fp32_update = flag


class _DtypeOnly:
    """Initializer of a param that only fixes its dtype; it is never called."""

    def __init__(self, dtype):
        self.dtype = dtype

    def __call__(self, array):
        raise AssertionError('the fp32 master parameter is never initialized')


class Optimizer:
    """Base of all optimizers: target, step and epoch counters, hooks, loss scale."""

    target = None
    t = 0
    epoch = 0
    _loss_scale = None
    _loss_scale_max = 65504  # the largest float16
    _loss_scaling_is_dynamic = False
    use_auto_new_epoch = False
    _hooks = None

    def setup(self, link):
        """Target ``link``; reset ``t``, ``epoch`` and the hooks. Returns self."""
        if not isinstance(link, Link):
            raise TypeError('optimization target must be a link')
        self.target = link
        self.t = 0
        self.epoch = 0
        self._hooks = _HookRegistry(warn_on_invalid_timing=True)
        return self

    def update(self, lossfun=None, *args, **kwds):
        raise NotImplementedError

    def new_epoch(self, auto=False):
        """Count an epoch; ``auto`` says the updater calls it (and must be allowed to)."""
        if auto:
            if not self.use_auto_new_epoch:
                raise RuntimeError(
                    'invalid new_epoch call with auto=True.\n'
                    'Fix the updater to set '
                    'optimizer.use_auto_new_epoch = True.')
        elif self.use_auto_new_epoch:
            raise RuntimeError(
                'duplicated new_epoch with the updater.\n'
                'Pass auto_new_epoch=False to the updater or stop calling '
                'new_epoch outside the updater.')
        self.epoch += 1

    def _check_set_up(self):
        if self._hooks is None:
            raise RuntimeError('Optimizer is not set up. Call `setup` method.')

    def add_hook(self, hook, name=None, timing='auto'):
        """Register ``hook(optimizer)``, or ``hook(rule, param)`` per param if
        ``hook.call_for_each_param``."""
        self._check_set_up()
        self._hooks.add(hook, name, timing)

    def remove_hook(self, name):
        self._check_set_up()
        self._hooks.remove(name)

    def call_hooks(self, timing='pre'):
        self._check_set_up()
        for hook in self._hooks.get(timing).values():
            self.call_hook(hook)

    def call_hook(self, hook):
        if getattr(hook, 'call_for_each_param', False):
            # Every param, whether or not it is initialized or its rule enabled.
            for param in self.target.params():
                hook(param.update_rule, param)
        else:
            hook(self)

    def serialize(self, serializer):
        """``t``, ``epoch`` and each rule under its param path (e.g. ``l1/W/t``)."""
        self.t = serializer('t', self.t)
        self.epoch = serializer('epoch', self.epoch)
        for name, param in self.target.namedparams():
            rule = getattr(param, 'update_rule', None)
            if rule is not None:
                rule.serialize(serializer[name])

    # -- loss scaling -------------------------------------------------------------
    def loss_scaling(self, interval=1000, scale=None):
        """Static loss scaling with ``scale``, else dynamic (doubling every ``interval``)."""
        if scale is None:
            self._loss_scaling_is_dynamic = True
            if interval < 1:
                raise ValueError('interval must be greater than or equal to 1.'
                                 ' Actual: {}'.format(interval))
            self._loss_scale = 1.0
            self._loss_scaling_multiplier = math.pow(2.0, 1.0 / interval)
            self._loss_scaling_isnan_ever = False
        else:
            if scale <= 0:
                raise ValueError('loss_scale must be a positive number. '
                                 'Actual: {}'.format(scale))
            self._loss_scale = scale

    def set_loss_scale(self, loss_scale):
        self.loss_scaling(scale=loss_scale)

    def check_nan_in_grads(self):
        """With dynamic scaling, note whether any grad is non-finite."""
        self._loss_scaling_isnan = False
        if not self._loss_scaling_is_dynamic:
            return
        for name, param in self.target.namedparams():
            xp = backend.get_array_module(param.grad)
            if not xp.all(xp.isfinite(param.grad)):
                self._loss_scaling_isnan = True
                self._loss_scaling_isnan_ever = True
                warnings.warn(
                    'Non finite number found in param.grad of {}'
                    ' (iteration: {}, loss_scale: {})'
                    .format(name, self.t, self._loss_scale))

    def is_safe_to_update(self):
        return not self._loss_scaling_isnan

    def update_loss_scale(self):
        if not self._loss_scaling_is_dynamic:
            return
        if self._loss_scaling_isnan:
            multiplier = 0.5
        elif self._loss_scaling_isnan_ever:
            multiplier = self._loss_scaling_multiplier
        else:
            multiplier = 2.0
        self._loss_scale = max(1, min(self._loss_scale_max,
                                      self._loss_scale * multiplier))


class GradientMethod(Optimizer):
    """An optimizer that updates each param from its gradient through an UpdateRule."""

    def __init__(self):
        self.hyperparam = Hyperparameter()
        self._use_fp32_update = False

    def setup(self, link):
        """Also give every param (initialized or not) a fresh rule, discarding old ones."""
        super().setup(link)
        for param in link.params():
            param.update_rule = self.create_update_rule()
            if self._use_fp32_update:
                param.update_rule.use_fp32_update()
        return self

    def reallocate_cleared_grads(self):
        """Give zeros to every initialized param whose grad was cleared."""
        for _, param in self.target.namedparams(False):
            if param.grad is None:
                xp = backend.get_array_module(param.array)
                param.grad = xp.zeros_like(param.array)

    def call_hook(self, hook):
        super().call_hook(hook)
        self.reallocate_cleared_grads()

    def update(self, lossfun=None, *args, **kwds):
        """One step: (loss, cleargrads, backward), pre hooks, rule updates, post hooks."""
        if lossfun is not None:
            loss = lossfun(*args, **kwds)
            if getattr(self, '_use_cleargrads', True):
                self.target.cleargrads()
            else:
                self.target.zerograds()
            loss.backward(loss_scale=self._loss_scale)
            del loss
        self.reallocate_cleared_grads()
        self.check_nan_in_grads()
        self.call_hooks('pre')
        self.t += 1
        if self.is_safe_to_update():
            for param in self.target.params():
                param.update()
        self.reallocate_cleared_grads()
        self.call_hooks('post')
        self.update_loss_scale()

    def use_cleargrads(self, use=True):
        warnings.warn('GradientMethod.use_cleargrads is deprecated.',
                      DeprecationWarning)
        self._use_cleargrads = use

    def create_update_rule(self):
        raise NotImplementedError

    def use_fp32_update(self, flag=True):
        """Store ``flag`` for later setups; rules already set up are switched on."""
        self._use_fp32_update = flag
        link = getattr(self, 'target', None)
        if link is not None:
            for param in link.params():
                # Chainer passes no flag here, so False cannot switch rules off
                # (chainer#7732); reproduced on purpose.
                param.update_rule.use_fp32_update()


class HyperparameterProxy:
    """Class attribute that reads and writes ``self.hyperparam.<attr_name>``."""

    def __init__(self, attr_name):
        self._attr_name = attr_name
        self.__doc__ = 'Alias to ``self.hyperparam.{}``'.format(attr_name)

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return getattr(obj.hyperparam, self._attr_name)

    def __set__(self, obj, value):
        setattr(obj.hyperparam, self._attr_name, value)


def _deprecated_hook(hook_class):
    """The pre-v4 name ``optimizer.<Hook>``: the same hook, with a DeprecationWarning when built."""
    name = hook_class.__name__

    def __init__(self, *args, **kwargs):
        warnings.warn(
            'chainer.optimizer.{0} is deprecated from v4. '
            'Use chainer.optimizer_hooks.{0} instead.'.format(name),
            DeprecationWarning)
        hook_class.__init__(self, *args, **kwargs)

    return type(name, (hook_class,), {'__init__': __init__, '__module__': __name__})


WeightDecay = _deprecated_hook(optimizer_hooks.WeightDecay)
Lasso = _deprecated_hook(optimizer_hooks.Lasso)
GradientClipping = _deprecated_hook(optimizer_hooks.GradientClipping)
GradientNoise = _deprecated_hook(optimizer_hooks.GradientNoise)
GradientHardClipping = _deprecated_hook(optimizer_hooks.GradientHardClipping)
