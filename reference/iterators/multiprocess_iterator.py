"""Minibatches loaded by worker processes, ``n_prefetch`` batches ahead.

Chainer 7.8.1 ``chainer/iterators/multiprocess_iterator.py``.
"""
import collections
import functools
import multiprocessing
import signal
import time
import warnings

from reference.dataset import iterator
from reference.iterators import _position
from reference.iterators._statemachine import IteratorState, next_state

_STALLED = (
    'Stalled dataset is detected. '
    'See the documentation of MultiprocessIterator for common causes and '
    'workarounds:\n'
    'https://docs.chainer.org/en/stable/reference/generated/'
    'chainer.iterators.MultiprocessIterator.html')


# Workers start from a fresh, single-threaded server process, which is sent the
# dataset by pickle, as Chainer's docs describe; forking the calling process
# itself (Chainer's code) can deadlock a worker when other threads of the
# caller (BLAS, thread pools) hold a lock at that moment.
_START_METHOD = 'forkserver'
# The server imports this module (so the reference and NumPy) once, and each
# worker it forks has them: a pool starts in milliseconds instead of an import
# per worker (about 0.2 s a pool here, seconds on a busy machine).  '__main__'
# is the server's default; NumPy's OpenBLAS stops its threads around each
# fork.  (The hangs once blamed on this preload came from ``Pool.terminate``,
# see ``finalize``: they happened without it too.)
multiprocessing.get_context(_START_METHOD).set_forkserver_preload(
    ['__main__', __name__])

class MultiprocessIterator(_position.Position, iterator.Iterator):
    """``SerialIterator``'s batches, with examples read by worker processes.

    How it runs, as in Chainer:

    - Nothing starts before the first ``next()``.  Without ``shared_mem``
      the first batch is read in this process (Chainer does so to size its
      shared memory), and only then are ``n_processes`` workers started
      (started by a forkserver, see ``_START_METHOD``), each given the dataset once.
    - ``n_prefetch`` batches are kept loading.  The order sampler runs in
      this process: when the k-th ``next()`` returns, it has been called for
      every epoch end up to batch k + ``n_prefetch``.  (Chainer calls it
      from a background thread, which gets there or one batch further at
      its own pace.)
    - ``shared_mem`` is accepted and unused: Chainer only moves the arrays
      of an example through shared memory with it; the examples arrive the
      same (values, dtypes, shapes; Chainer's copies are C-contiguous).
    - ``finalize()`` terminates the workers for good: ``next()`` then raises
      ``AttributeError`` and ``reset``/``serialize`` ``NotImplementedError``.

    Deliberately not as in Chainer: an error raised by the dataset reaches
    the ``next()`` that returns its batch, as the original exception (that
    batch counts as taken).  Chainer raises ``TypeError`` for the first batch
    (with a ``dataset_timeout``) and hangs for a later one.  Nor is there
    Chainer's ``__getstate__``: pickling (or deep-copying) Chainer's iterator
    sets the original's counters to ``None``; a started reference iterator
    cannot be pickled, like a started ``MultithreadIterator`` in Chainer.
    """

    class TimeoutWarning(RuntimeWarning):
        """A batch took longer than ``dataset_timeout`` seconds."""

    _finalized = False
    _pool = None

    def __init__(self, dataset, batch_size, repeat=True, shuffle=None,
                 n_processes=None, n_prefetch=1, shared_mem=None,
                 order_sampler=None, dataset_timeout=30.0,
                 maxtasksperchild=None):
        self.dataset = dataset
        self.batch_size = batch_size
        self.repeat = repeat
        self.shuffle = shuffle
        self.n_processes = n_processes or multiprocessing.cpu_count()
        self.n_prefetch = max(n_prefetch, 1)
        self.shared_mem = shared_mem
        self.dataset_timeout = dataset_timeout
        self._maxtasksperchild = maxtasksperchild
        self.order_sampler = _position.pick_order_sampler(
            shuffle, order_sampler)
        self.reset()

    def __next__(self):
        if self._finalized:
            # Chainer fails here with an AttributeError too.
            raise AttributeError(
                'a finalized MultiprocessIterator cannot be iterated')
        if self._pool is None and self.shared_mem is None:
            # The first batch: read here; the workers start afterwards.
            state, indices = self._step(self._state)
            fetch = None if indices is None else functools.partial(
                self._read_here, indices)
        else:
            self._prefetch()
            state, loading = self._loading.popleft()
            fetch = None if loading is None else functools.partial(
                self._wait, loading)
        self._previous_epoch_detail = self.epoch_detail
        self._state = state
        if fetch is None:
            raise StopIteration
        batch = fetch()
        self._prefetch()
        return batch

    next = __next__

    def _step(self, state):
        return next_state(state, self.batch_size, self.repeat,
                          self.order_sampler, len(self.dataset))

    def _prefetch(self):
        """Start the workers if needed and keep ``n_prefetch`` batches
        loading."""
        if self._pool is None:
            self._pool = multiprocessing.get_context(_START_METHOD).Pool(
                self.n_processes, initializer=_start_worker,
                initargs=(self.dataset,),
                maxtasksperchild=self._maxtasksperchild)
        while len(self._loading) < self.n_prefetch:
            last = self._loading[-1][0] if self._loading else self._state
            state, indices = self._step(last)
            loading = None
            if indices is not None:
                # Pool's own chunk size, from the nominal pool size: Pool
                # divides by its live workers, none for a moment while it
                # replaces them (maxtasksperchild; CPython issue 82980).
                chunksize = max(1, -(-len(indices) // (4 * self.n_processes)))
                loading = self._pool.map_async(
                    _read_example, indices, chunksize)
            self._loading.append((state, loading))

    def _read_here(self, indices):
        started = time.monotonic()
        batch = [self.dataset[index] for index in indices]
        # Chainer warns while still reading; this warns once done.
        if (self.dataset_timeout is not None
                and time.monotonic() - started > self.dataset_timeout):
            warnings.warn(_STALLED, self.TimeoutWarning)
        return batch

    def _wait(self, loading):
        """The loaded batch, or the dataset's exception; warns (once) when
        it is not there after ``dataset_timeout`` seconds."""
        if self.dataset_timeout is not None:
            loading.wait(self.dataset_timeout)
            if not loading.ready():
                warnings.warn(_STALLED, self.TimeoutWarning)
        return loading.get()

    def _restart(self, state):
        """Continue from ``state``, dropping the batches being loaded."""
        if self._finalized:
            raise NotImplementedError(
                'Reset of finalized MultiProcessIterator is currently not '
                'supported.')
        self._state = state
        self._loading = collections.deque()

    def reset(self):
        """Back to the start of epoch 0 with a fresh order (drawn before the
        finalized check, as in Chainer)."""
        self._restart(_position.first_state(
            self.order_sampler, len(self.dataset)))
        self._previous_epoch_detail = -1.

    def finalize(self):
        """Stop the workers once the batches in flight are read; idempotent.

        ``Pool.close`` and ``join`` rather than ``terminate``: terminate kills
        a worker wherever it is, and one killed while it held the pool's queue
        lock left ``terminate`` waiting forever on a handler thread (seen in
        fresh-clone test runs).  The tasks in flight are at most
        ``n_prefetch`` batches of reads."""
        self._finalized = True
        self._loading = collections.deque()
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
            pool.join()

    def serialize(self, serializer):
        """Keys ``current_position``, ``epoch``, ``is_new_epoch``, ``order``
        (only when shuffled) and ``previous_epoch_detail``, as
        ``SerialIterator``; loading also reads ``_order``
        (``MultithreadIterator``'s key) and guesses a missing
        ``previous_epoch_detail``.

        The order is loaded into a copy.  The batches being loaded are
        dropped and loaded again from the new state (so the order sampler
        may be called again).  Chainer 7.8.1 fails with ``AttributeError``
        on an unshuffled iterator, after writing the first three keys; the
        reference follows the documented contract (iterators serialize) and
        skips the order, as ``SerialIterator`` does.
        """
        current_position = serializer('current_position',
                                      self.current_position)
        epoch = serializer('epoch', self.epoch)
        is_new_epoch = serializer('is_new_epoch', self.is_new_epoch)
        order = self._state.order
        if order is not None:
            order = order.copy()
            try:
                serializer('order', order)
            except KeyError:
                serializer('_order', order)
        self._restart(IteratorState(
            current_position, epoch, is_new_epoch, order))
        try:
            self._previous_epoch_detail = serializer(
                'previous_epoch_detail', self._previous_epoch_detail)
        except KeyError:
            self._previous_epoch_detail = self._guess_previous_epoch_detail()

    def __copy__(self):
        """A new iterator, with its own workers, at the same position.

        Chainer keeps this for old code and builds the copy with
        ``shuffle=None`` and the same ``order_sampler``: an unshuffled
        iterator's copy gets a ``ShuffleOrderSampler`` (which draws an order
        for the copy's ``reset`` and shuffles later resets), and
        ``dataset_timeout`` and ``maxtasksperchild`` take their defaults.
        """
        other = MultiprocessIterator(
            self.dataset, self.batch_size, self.repeat, shuffle=None,
            n_processes=self.n_processes, n_prefetch=self.n_prefetch,
            shared_mem=self.shared_mem, order_sampler=self.order_sampler)
        other._restart(self._state)
        other._previous_epoch_detail = self._previous_epoch_detail
        return other


_worker_dataset = None


def _start_worker(dataset):
    """Pool initializer: keep the dataset; leave Ctrl-C to the parent."""
    global _worker_dataset
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_dataset = dataset


def _read_example(index):
    return _worker_dataset[index]
