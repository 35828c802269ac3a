"""Snapshots of the trainer (or of any object) taken during training.

Chainer 7.8.1 ``chainer/training/extensions/_snapshot.py``.  The extension
serializes its target into a dict and hands it to a writer under a file name
built from a template (``str.format(trainer)``) or a callable.  It can also
delete all but the newest ``n_retains`` snapshots and, with ``autoload``,
load the newest one when training starts.  "Newest" is by file mtime, and a
file belongs to a template when it starts with the text before the first
``{`` and ends with the text after the last ``}``.
"""
import os
import warnings

from reference.serializers import npz
from reference.training import extension
from reference.training.extensions import snapshot_writers


def _find_snapshot_files(fmt, path):
    """``(mtime, name)`` of the files directly in ``path`` fitting ``fmt``.

    Only the text before the first ``{`` and after the last ``}`` is
    matched.  Sorted oldest first (ties by name).
    """
    prefix = fmt.split('{')[0]
    suffix = fmt.split('}')[-1]
    return sorted(
        (os.stat(os.path.join(path, name)).st_mtime, name)
        for name in os.listdir(path)
        if name.startswith(prefix) and name.endswith(suffix))


def _find_latest_snapshot(fmt, path):
    """The newest matching file name, or ``None`` when there is none."""
    files = _find_snapshot_files(fmt, path)
    return files[-1][1] if files else None


def _find_stale_snapshots(fmt, path, n_retains, **kwargs):
    """Yield the matching file names but the newest ``n_retains``, oldest
    first (none unless more than ``n_retains`` match).

    ``num_retain`` is a deprecated alias of ``n_retains``.
    """
    if 'num_retain' in kwargs:
        _warn_num_retain()
        n_retains = kwargs['num_retain']
    files = _find_snapshot_files(fmt, path)
    n_stale = len(files) - n_retains
    if n_stale > 0:
        for _, name in files[:n_stale]:
            yield name


class _StaleSnapshotRemover:
    """The writer's post-save hook for ``n_retains``.

    A plain object rather than a closure, so that ``ProcessQueueWriter``
    can send it to its consumer process.
    """

    # Note: the template and n_retains are taken when the extension is
    # initialized; Chainer's closure reads the extension's filename and
    # n_retains at every save, so later assignments to them count there
    # (chainer/training/extensions/_snapshot.py:_Snapshot.initialize@v7.8.1).

    def __init__(self, fmt, path, n_retains):
        self.fmt = fmt
        self.path = path
        self.n_retains = n_retains

    def __call__(self):
        for name in _find_stale_snapshots(self.fmt, self.path,
                                          self.n_retains):
            os.remove(os.path.join(self.path, name))


def _warn_num_retain():
    warnings.warn('Argument `num_retain` is deprecated. '
                  'Please use `n_retains` instead', DeprecationWarning)


def snapshot_object(target, filename, savefun=None, **kwargs):
    """A snapshot extension for ``target`` instead of the trainer.

    The same as ``snapshot(savefun, filename, target=target, **kwargs)``.
    """
    return snapshot(savefun=savefun, filename=filename, target=target,
                    **kwargs)


def snapshot(savefun=None, filename='snapshot_iter_{.updater.iteration}', *,
             target=None, condition=None, writer=None,
             snapshot_on_error=False, n_retains=-1, autoload=False, **kwargs):
    """A trainer extension saving snapshots (by default once per epoch).

    Args:
        savefun: ``savefun(path, serialized_dict)``; ``save_npz`` if neither
            it nor ``writer`` is given.  Exclusive with ``writer``.
        filename: A ``str.format`` template applied to the trainer, or a
            callable ``trainer -> str``.
        target: Object to serialize; the trainer if ``None``.
        condition: Callable ``() -> bool``; a snapshot is taken only when it
            returns true.  Always true if ``None``.
        writer: Callable ``writer(filename, outdir, serialized_dict)``.
        snapshot_on_error (bool): Also snapshot when the training loop fails.
        n_retains (int): If positive (and ``filename`` is a str and the
            writer supports cleanup hooks), keep only the newest
            ``n_retains`` matching files after each save.  ``num_retain``
            is its deprecated alias (and wins over it).
        autoload (bool): Load the newest matching file into the target when
            the extension is initialized (``filename`` must be a str).
    """
    if 'num_retain' in kwargs:
        _warn_num_retain()
        n_retains = kwargs.pop('num_retain')
    extension.reject_unexpected_kwargs('snapshot', kwargs)
    if savefun is not None and writer is not None:
        raise TypeError(
            'savefun and writer arguments cannot be specified together.')
    if writer is None:
        writer = snapshot_writers.SimpleWriter(
            savefun=npz.save_npz if savefun is None else savefun)
    return _Snapshot(
        target=target, condition=condition, writer=writer, filename=filename,
        snapshot_on_error=snapshot_on_error, n_retains=n_retains,
        autoload=autoload)


def _always_true():
    return True


class _Snapshot(extension.Extension):
    """The snapshot extension; its class name is its default name."""

    trigger = 1, 'epoch'
    priority = -100

    def __init__(self, target=None, condition=None, writer=None,
                 filename='snapshot_iter_{.updater.iteration}',
                 snapshot_on_error=False, n_retains=-1, autoload=False):
        self._target = target
        self.filename = filename
        self.condition = _always_true if condition is None else condition
        self.writer = (snapshot_writers.SimpleWriter() if writer is None
                       else writer)
        self._snapshot_on_error = snapshot_on_error
        self.n_retains = n_retains
        self.autoload = autoload

    def initialize(self, trainer):
        target = trainer if self._target is None else self._target
        outdir = trainer.out
        if self.autoload:
            self._load_latest(target, outdir)
        if (hasattr(self.writer, '_add_cleanup_hook') and self.n_retains > 0
                and isinstance(self.filename, str)):
            self.writer._add_cleanup_hook(_StaleSnapshotRemover(
                self.filename, outdir, self.n_retains))

    # Note: Chainer's chainer.is_debug() messages about autoload are not
    # printed (chainer/training/extensions/_snapshot.py:_Snapshot.initialize@v7.8.1).
    def _load_latest(self, target, outdir):
        if not isinstance(self.filename, str):
            # Chainer fails here too, on filename.split.
            raise AttributeError(
                'snapshot(autoload=True) needs a str filename template to '
                f'find snapshots, not {self.filename!r}')
        latest = _find_latest_snapshot(self.filename, outdir)
        if latest is not None:
            npz.load_npz(os.path.join(outdir, latest), target)

    def on_error(self, trainer, exc, tb):
        if self._snapshot_on_error:
            self._make_snapshot(trainer)

    def __call__(self, trainer):
        if self.condition():
            self._make_snapshot(trainer)

    def _make_snapshot(self, trainer):
        target = trainer if self._target is None else self._target
        serialized_target = npz.serialize(target)
        if callable(self.filename):
            filename = self.filename(trainer)
        else:
            filename = self.filename.format(trainer)
        self.writer(filename, trainer.out, serialized_target)

    def finalize(self):
        if hasattr(self.writer, 'finalize'):
            self.writer.finalize()
