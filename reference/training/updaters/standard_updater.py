"""The default updater: one batch from ``'main'``, one optimizer step.

Chainer 7.8.1 ``chainer/training/updaters/standard_updater.py``.
"""
from reference import backend
from reference.dataset import convert
from reference.dataset import iterator as iterator_module
from reference.training import updater as updater_module


class StandardUpdater(updater_module.Updater):
    """Each update: ``next()`` on iterator ``'main'``, convert the batch,
    ``optimizer.update(loss_func, ...)`` on optimizer ``'main'``, and then,
    if the batch ended an epoch, ``optimizer.new_epoch(auto=True)``.
    """

    def __init__(self, iterator, optimizer, converter=convert.concat_examples,
                 device=None, loss_func=None, loss_scale=None,
                 auto_new_epoch=True, *, input_device=None):
        if device is not None:
            device = backend.get_device(device)
        if input_device is None:
            input_device = device
        else:
            input_device = backend.get_device(input_device)

        if isinstance(iterator, iterator_module.Iterator):
            iterator = {'main': iterator}
        self._iterators = iterator
        if not isinstance(optimizer, dict):
            optimizer = {'main': optimizer}
        self._optimizers = optimizer

        if device is not None:
            # Note: Chainer leaves a model that is on another CuPy device
            # where it is (with a FutureWarning); the reference always moves
            # it (chainer/training/updaters/standard_updater.py:StandardUpdater.__init__@v7.8.1).
            for opt in self._optimizers.values():
                opt.target.to_device(device)

        self.converter = converter
        self.loss_func = loss_func
        self.iteration = 0
        self._device = device
        self._input_device = input_device

        self.loss_scale = loss_scale
        if loss_scale is not None:
            for opt in self._optimizers.values():
                opt.set_loss_scale(loss_scale)

        self.auto_new_epoch = auto_new_epoch
        if auto_new_epoch:
            for opt in self._optimizers.values():
                opt.use_auto_new_epoch = True

    @property
    def device(self):
        return self._device

    @property
    def input_device(self):
        return self._input_device

    # The epoch counters are those of iterator 'main'.
    @property
    def epoch(self):
        return self._iterators['main'].epoch

    @property
    def epoch_detail(self):
        return self._iterators['main'].epoch_detail

    @property
    def previous_epoch_detail(self):
        return self._iterators['main'].previous_epoch_detail

    @property
    def is_new_epoch(self):
        return self._iterators['main'].is_new_epoch

    def finalize(self):
        for it in self._iterators.values():
            it.finalize()

    def get_optimizer(self, name):
        return self._optimizers[name]

    def get_all_optimizers(self):
        return dict(self._optimizers)

    def get_iterator(self, name):
        return self._iterators[name]

    def update(self):
        self.update_core()
        self.iteration += 1

    def update_core(self):
        it = self._iterators['main']
        batch = it.next()
        # A plain function gets -1 or a GPU id, a Converter the Device.
        in_arrays = convert.call_converter(self.converter, batch, self._input_device)

        optimizer = self._optimizers['main']
        loss_func = self.loss_func or optimizer.target
        if isinstance(in_arrays, tuple):
            optimizer.update(loss_func, *in_arrays)
        elif isinstance(in_arrays, dict):
            optimizer.update(loss_func, **in_arrays)
        else:
            optimizer.update(loss_func, in_arrays)

        if self.auto_new_epoch and it.is_new_epoch:
            optimizer.new_epoch(auto=True)

    def serialize(self, serializer):
        """Keys ``iterator:<name>/``, ``optimizer:<name>/``,
        ``model:<name>/`` and ``iteration``."""
        for name, it in self._iterators.items():
            it.serialize(serializer['iterator:' + name])
        for name, optimizer in self._optimizers.items():
            optimizer.serialize(serializer['optimizer:' + name])
            optimizer.target.serialize(serializer['model:' + name])
        self.iteration = serializer('iteration', self.iteration)
