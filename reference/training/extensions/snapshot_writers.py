"""How a snapshot reaches the disk.

Chainer 7.8.1 ``chainer/training/extensions/snapshot_writers.py``.  A writer
is called as ``writer(filename, outdir, serialized_dict)``.  Writing goes to
a temporary directory inside ``outdir`` and is then moved into place, so a
crash mid-write never leaves a truncated file under the final name; the
post-save hooks (``snapshot(n_retains=...)`` deletes stale files with one)
run after each file is in place.

``SimpleWriter`` writes at once.  ``ThreadWriter`` and ``ProcessWriter``
start one worker per snapshot, joining the previous one first.
``ThreadQueueWriter`` and ``ProcessQueueWriter`` start one consumer at
construction and feed it a queue.  ``finalize`` (called by the snapshot
extension's ``finalize`` at the end of training) waits for every pending
write and leaves no worker behind.
"""
import multiprocessing
import os
import queue
import shutil
import tempfile
import threading

from reference.serializers import npz

# Note: every writer passes its ``**kwds`` on to ``savefun``, as the writers'
# docs say ("kwds: Keyword arguments for the savefun"); Chainer stores them
# and hands them to Writer.save, which drops them
# (chainer/training/extensions/snapshot_writers.py:Writer.save@v7.8.1).


class Writer:
    """Base class of snapshot writers: atomic save plus post-save hooks."""

    # Note: no __del__ calling finalize(); the snapshot extension's finalize
    # already does, at the end of training
    # (chainer/training/extensions/snapshot_writers.py:Writer.__del__@v7.8.1).

    def __init__(self):
        self._post_save_hooks = []

    def __call__(self, filename, outdir, target):
        """Write ``target`` (a serialized dict) to ``outdir/filename``."""
        raise NotImplementedError

    def finalize(self):
        """Called when training ends, by the snapshot's ``finalize``."""

    def save(self, filename, outdir, target, savefun, **kwds):
        """``savefun(path, target, **kwds)`` into a temp dir, then move it.

        The temporary directory is ``outdir/tmp<filename><random>``.
        """
        tmpdir = tempfile.mkdtemp(prefix='tmp' + filename, dir=outdir)
        try:
            tmppath = os.path.join(tmpdir, filename)
            savefun(tmppath, target, **kwds)
            shutil.move(tmppath, os.path.join(outdir, filename))
        finally:
            shutil.rmtree(tmpdir)
        self._post_save()

    def _add_cleanup_hook(self, hook_fun):
        """Register ``hook_fun()`` to run right after each save."""
        self._post_save_hooks.append(hook_fun)

    def _post_save(self):
        for hook in self._post_save_hooks:
            hook()


class SimpleWriter(Writer):
    """Save synchronously with ``savefun(path, target, **kwds)``."""

    def __init__(self, savefun=npz.save_npz, **kwds):
        super().__init__()
        self._savefun = savefun
        self._kwds = kwds

    def __call__(self, filename, outdir, target):
        self.save(filename, outdir, target, self._savefun, **self._kwds)


class StandardWriter(Writer):
    """Save in a new worker (``create_worker``) for every snapshot.

    A call first joins the worker of the previous call, so at most one
    write is in flight.  ``finalize`` joins the last one; after it, the
    writer no longer waits for workers.
    """

    _started = False
    _finalized = False
    _worker = None

    def __init__(self, savefun=npz.save_npz, **kwds):
        super().__init__()
        self._savefun = savefun
        self._kwds = kwds
        self._started = False
        self._finalized = False

    def __call__(self, filename, outdir, target):
        if self._started:
            self._worker.join()
            self._started = False
        self._filename = filename
        self._worker = self.create_worker(filename, outdir, target,
                                          **self._kwds)
        self._worker.start()
        self._started = True

    def create_worker(self, filename, outdir, target, **kwds):
        """Return an unstarted worker (``start``/``join``) that saves."""
        raise NotImplementedError

    def finalize(self):
        if self._started:
            if not self._finalized:
                self._worker.join()
            self._started = False
        self._finalized = True


class ThreadWriter(StandardWriter):
    """A ``StandardWriter`` whose workers are threads."""

    def create_worker(self, filename, outdir, target, **kwds):
        return threading.Thread(
            target=self.save,
            args=(filename, outdir, target, self._savefun),
            kwargs=self._kwds)


class ProcessWriter(StandardWriter):
    """A ``StandardWriter`` whose workers are processes.

    The post-save hooks run in the worker process, on its copy of them.
    """

    def create_worker(self, filename, outdir, target, **kwds):
        return multiprocessing.Process(
            target=self.save,
            args=(filename, outdir, target, self._savefun),
            kwargs=self._kwds)


class QueueWriter(Writer):
    """Put each snapshot on a queue that one consumer (started now) drains.

    Args:
        savefun: Used to build the task (``create_task``) if ``task`` is
            None.
        task: Called by the consumer as ``task(filename, outdir, target)``.
    """

    _started = False
    _finalized = False
    _queue = None
    _consumer = None

    def __init__(self, savefun=npz.save_npz, task=None):
        super().__init__()
        self._task = self.create_task(savefun) if task is None else task
        self._queue = self.create_queue()
        self._consumer = self.create_consumer(self._queue)
        self._consumer.start()
        self._started = True
        self._finalized = False

    # Note: each job carries the writer's post-save hooks and the consumer
    # runs them after the task, so snapshot(n_retains=...) deletes stale
    # files as its docs promise for a str filename; Chainer registers the
    # hook on the QueueWriter, which never runs it (its tasks run their own,
    # empty, hooks), so every snapshot is kept
    # (chainer/training/extensions/snapshot_writers.py:QueueWriter.__call__@v7.8.1).
    def __call__(self, filename, outdir, target):
        self._queue.put([self._task, filename, outdir, target,
                         list(self._post_save_hooks)])

    def create_task(self, savefun):
        return SimpleWriter(savefun=savefun)

    def create_queue(self):
        raise NotImplementedError

    def create_consumer(self, q):
        raise NotImplementedError

    def consume(self, q):
        """Run jobs until the ``None`` sentinel; ``task_done`` for each."""
        while True:
            job = q.get()
            if job is None:
                q.task_done()
                return
            task, filename, outdir, target, hooks = job
            task(filename, outdir, target)
            for hook in hooks:
                hook()
            q.task_done()

    def finalize(self):
        """Send the sentinel, wait for the queue to drain, join the consumer."""
        if self._started:
            if not self._finalized:
                self._queue.put(None)
                self._queue.join()
                self._consumer.join()
            self._started = False
        self._finalized = True


class ThreadQueueWriter(QueueWriter):
    """A ``QueueWriter`` with a ``queue.Queue`` and a consumer thread."""

    def create_queue(self):
        return queue.Queue()

    def create_consumer(self, q):
        return threading.Thread(target=self.consume, args=(q,))


class ProcessQueueWriter(QueueWriter):
    """A ``QueueWriter`` with a ``JoinableQueue`` and a consumer process.

    Jobs are pickled: the task, the target and the hooks must be picklable.
    """

    def create_queue(self):
        return multiprocessing.JoinableQueue()

    def create_consumer(self, q):
        return multiprocessing.Process(target=self.consume, args=(q,))
