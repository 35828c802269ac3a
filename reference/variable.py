"""Variables, parameters and a tiny reverse-mode autograd.

Only what optimizers and training loops observe is modelled: an array, a
gradient, the creator that produced it, ``backward`` (with ``loss_scale``),
and for parameters lazy initialization, the update rule and device moves.
"""
import heapq
import warnings

import numpy

from reference import backend


def _array_types_message(data):
    names = ', '.join(str(t) for t in backend.get_array_types())
    return f'{names} are expected. Actual: {type(data)}'


class _Constant:
    """Initializer that fills an array with one value (NaN for "not yet set")."""

    def __init__(self, fill_value, dtype=None):
        self.fill_value = fill_value
        self.dtype = dtype

    def __call__(self, array):
        fill_value = self.fill_value
        if isinstance(fill_value, backend.get_array_types()):
            fill_value = backend.get_device_from_array(array).send(fill_value)
        xp = backend.get_array_module(array)
        array[...] = xp.asarray(fill_value)


def _generate_array(initializer, shape, device):
    # Note: Chainer falls back to chainer.config.dtype; the reference has no
    # config, so float32 (its default) is used (chainer/initializers/__init__.py:generate_array@v7.8.1)
    dtype = getattr(initializer, 'dtype', None) or numpy.float32
    array = device.xp.empty(shape, dtype=dtype)
    initializer(array)
    return array


class Variable:
    """An array with a gradient, remembering the function that created it."""

    __array_priority__ = 200  # NumPy defers ``ndarray * variable`` to us

    def __init__(self, data=None, *, name=None, grad=None, requires_grad=True):
        if data is not None and not isinstance(data, backend.get_array_types()):
            raise TypeError(_array_types_message(data))
        self._data = [data]  # a shared cell, so that shallow copies see re-binding
        self._grad = grad
        self._grad_valid = True
        self._requires_grad = requires_grad
        self._loss_scale = None
        self._creator = None
        self.rank = 0
        self.name = name

    def __repr__(self):
        name = '' if self.name is None else ' ' + self.name
        return f'variable{name}({self.array!r})'

    def __len__(self):
        if not self.shape:
            raise TypeError('len() of unsized object')
        return self.shape[0]

    # -- array and gradient ---------------------------------------------------
    @property
    def array(self):
        return self._data[0]

    @array.setter
    def array(self, value):
        self._data[0] = value

    data = array

    @property
    def grad(self):
        if not self._grad_valid:
            raise RuntimeError(
                'Cannot retrieve Variable.grad. '
                'Either it must be set manually or Variable.cleargrad() '
                'must be called beforehand.')
        return self._grad

    @grad.setter
    def grad(self, g):
        if g is not None:
            self._check_grad(g)
        self._grad = g
        self._grad_valid = True

    def _check_grad(self, g):
        data = self.array
        if data is None:
            return
        if not isinstance(g, backend.get_array_types()):
            raise TypeError('Type of grad is invalid:\n' + _array_types_message(g))
        if g.dtype != data.dtype:
            raise TypeError('Dtype of data and grad mismatch\ngrad: %s != data: %s'
                            % (g.dtype, data.dtype))
        if g.shape != data.shape:
            raise ValueError('Shape of data and grad mismatch\ngrad: %s != data: %s'
                             % (g.shape, data.shape))

    @property
    def shape(self):
        return self.array.shape

    @property
    def ndim(self):
        return self.array.ndim

    @property
    def size(self):
        return self.array.size

    @property
    def dtype(self):
        return self.array.dtype

    @property
    def requires_grad(self):
        return self._requires_grad

    @property
    def creator(self):
        """The function node that produced this variable (None for a leaf)."""
        return self._creator

    @creator.setter
    def creator(self, func):
        self._creator = func
        if func is not None:
            self.rank = func.rank + 1

    def item(self):
        return self.array.item()

    def cleargrad(self):
        self._grad = None
        self._grad_valid = True

    def zerograd(self):
        warnings.warn(
            'Variable.zerograd is deprecated. Use Variable.cleargrad instead.',
            DeprecationWarning)
        array = self.array
        if array is not None:
            if self._grad is None:
                self._grad = backend.get_array_module(array).zeros_like(array)
            else:
                self._grad.fill(0)
        self._grad_valid = True

    # -- devices ----------------------------------------------------------------
    @property
    def device(self):
        return backend.get_device_from_array(self.array)

    @property
    def xp(self):
        return self.device.xp

    def to_device(self, device):
        device = backend.get_device(device)
        if self.array is not None:
            self._data[0] = device.send(self.array)
        if self._grad is not None:
            self._grad = device.send(self._grad)

    def to_cpu(self):
        self.to_device(backend.CpuDevice())

    def to_gpu(self, device=None):
        self.to_device(backend.get_gpu_device(device))

    # -- autograd -------------------------------------------------------------------
    def backward(self, retain_grad=False, enable_double_backprop=False,
                 loss_scale=None):
        """Accumulate d(self)/d(leaf) into the grad of every leaf that requires it.

        The loss gets a grad of ones (times ``loss_scale``); every reached leaf
        remembers ``loss_scale`` so its update rule can unscale the gradient.
        """
        # Note: graphs are built from raw arrays, so enable_double_backprop is
        # accepted but has no effect (chainer/variable.py:Variable.backward@v7.8.1)
        if self.array.size == 1 and self._grad is None:
            if self.array.ndim != 0:
                warnings.warn(
                    'Treating a variable with only one element as a scalar'
                    ' in Variable.backward is deprecated. A scalar variable'
                    ' must be a 0-dimensional array. Apply'
                    ' chainer.functions.squeeze to obtain a scalar variable.'
                    ' If the size of this variable accidentally becomes one,'
                    ' set zero to grad.',
                    DeprecationWarning)
            self.grad = self.xp.ones_like(self.array)
            if loss_scale is not None:
                self.grad *= loss_scale
        _backprop(self, retain_grad, loss_scale)

    # -- arithmetic (graph-building) -----------------------------------------------
    def __neg__(self):
        from reference.functions import basic_math
        return basic_math.neg(self)

    def __add__(self, other):
        from reference.functions import basic_math
        return basic_math.add(self, other)

    def __radd__(self, other):
        from reference.functions import basic_math
        return basic_math.add(self, other)

    def __sub__(self, other):
        from reference.functions import basic_math
        return basic_math.sub(self, other)

    def __rsub__(self, other):
        from reference.functions import basic_math
        return basic_math.rsub(self, other)

    def __mul__(self, other):
        from reference.functions import basic_math
        return basic_math.mul(self, other)

    def __rmul__(self, other):
        from reference.functions import basic_math
        return basic_math.mul(self, other)


class _GradTable:
    """Gradients collected per variable; a leaf starts from the grad it already has."""

    def __init__(self):
        self._lists = {}
        self._vars = {}

    def get_list(self, var):
        key = id(var)
        if key not in self._lists:
            self._vars[key] = var
            start = []
            if var.creator is None and var._grad is not None:
                start.append(var._grad)  # accumulate into the existing grad
                var._grad = None
            self._lists[key] = start
        return self._lists[key]

    def pop(self, var):
        grads = self._lists.pop(id(var), [])
        self._vars.pop(id(var), None)
        total = None
        for g in grads:
            total = g if total is None else total + g
        return total


def _backprop(root, retain_grad, loss_scale):
    # Functions run in decreasing rank, so each sees all of its output grads.
    table = _GradTable()
    root_grad = root._grad
    root._grad = None
    table.get_list(root).append(root_grad)
    leaves = {}
    candidates = []
    seen = set()

    def push(func):
        if id(func) not in seen:
            heapq.heappush(candidates, (-func.rank, len(seen), func))
            seen.add(id(func))

    if root.creator is None:
        leaves[id(root)] = root
    else:
        push(root.creator)
    while candidates:
        _, _, func = heapq.heappop(candidates)
        outputs = [ref() for ref in func.outputs]
        grad_outputs = tuple(None if y is None else table.pop(y) for y in outputs)
        targets = tuple(i for i, x in enumerate(func.inputs) if x.requires_grad)
        if not targets or all(g is None for g in grad_outputs):
            continue
        grad_inputs = func.backward(targets, grad_outputs)
        for i, gx in zip(targets, grad_inputs):
            x = func.inputs[i]
            grads = table.get_list(x)
            if gx is not None:
                # NumPy arithmetic on 0-d arrays yields scalars; grads are arrays.
                grads.append(backend.get_array_module(gx).asarray(gx))
            if x.creator is None:
                leaves[id(x)] = x
            else:
                push(x.creator)
        if retain_grad:
            for y, gy in zip(outputs, grad_outputs):
                if y is not None:
                    y._grad = gy
                    y._grad_valid = True
    for leaf in leaves.values():
        leaf._grad = table.pop(leaf)
        leaf._grad_valid = True
        leaf._loss_scale = loss_scale


class Parameter(Variable):
    """A trainable array of a Link; may be created uninitialized and shaped later."""

    _grad_initializer = None

    def __init__(self, initializer=None, shape=None, name=None):
        if initializer is None:
            initializer = _Constant(numpy.nan)
        elif numpy.isscalar(initializer):
            initializer = _Constant(initializer)
        array_types = backend.get_array_types()
        if shape is None:
            if isinstance(initializer, array_types):
                super().__init__(initializer, name=name)
            else:
                super().__init__(name=name)
                self._grad_valid = False
                self._grad_initializer = _Constant(
                    numpy.nan, getattr(initializer, 'dtype', None))
        else:
            if isinstance(initializer, array_types):
                device = backend.get_device_from_array(initializer)
                initializer = _Constant(initializer)
            else:
                device = backend.CpuDevice()
            data = _generate_array(initializer, shape, device)
            grad = device.xp.full_like(data, numpy.nan)
            super().__init__(data, name=name, grad=grad)
        self._initial_device = backend.CpuDevice()
        self.update_rule = None
        self.initializer = initializer

    @property
    def is_initialized(self):
        return self.array is not None

    @property
    def dtype(self):
        if self.array is not None:
            return self.array.dtype
        if hasattr(self.initializer, 'dtype'):
            return numpy.dtype(self.initializer.dtype)
        raise RuntimeError(
            "Dtype of the parameter is not determined yet because it's "
            'uninitialized and dtype was not explicitly given.')

    @property
    def device(self):
        if self.array is None:
            return self._initial_device
        return super().device

    def initialize(self, shape):
        """Create the array (and a grad, NaN unless cleared) on the current device."""
        device = self._initial_device
        data = _generate_array(self.initializer, shape, device)
        grad = None
        if self._grad_initializer is not None:
            grad = _generate_array(self._grad_initializer, shape, device)
        self.array = data
        self.grad = grad

    def cleargrad(self):
        super().cleargrad()
        if not self.is_initialized:
            self._grad_initializer = None

    def zerograd(self):
        super().zerograd()
        if not self.is_initialized:
            self._grad_initializer = _Constant(
                0.0, getattr(self.initializer, 'dtype', None))

    def to_device(self, device):
        device = backend.get_device(device)
        if self.array is None and self._initial_device != device:
            self._data = [None]  # stop sharing the placeholder with copies
        self._initial_device = device
        super().to_device(device)

    def update(self):
        """Update the array with the attached rule; a no-op before optimizer setup."""
        # Note: there are no memory layouts, so the non-standard-layout
        # RuntimeError cannot occur (chainer/variable.py:Parameter.update@v7.8.1)
        if self.update_rule is not None:
            self.update_rule.update(self)


def as_variable(obj):
    """Wrap an array in a Variable that does not require a gradient."""
    if isinstance(obj, Variable):
        return obj
    return Variable(obj, requires_grad=False)


def as_array(obj):
    """The array inside ``obj`` if it is a Variable, else ``obj`` itself."""
    if isinstance(obj, Variable):
        return obj.array
    return obj
