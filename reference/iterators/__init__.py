"""Dataset iterators (``chainer.iterators``)."""
from reference.iterators.multiprocess_iterator import (  # NOQA
    MultiprocessIterator)
from reference.iterators.multithread_iterator import (  # NOQA
    MultithreadIterator)
from reference.iterators.order_samplers import OrderSampler  # NOQA
from reference.iterators.order_samplers import ShuffleOrderSampler  # NOQA
from reference.iterators.serial_iterator import SerialIterator  # NOQA
