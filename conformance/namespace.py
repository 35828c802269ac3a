"""The implementation under test, seen only through Chainer's public names.

Properties reach the implementation as ``ns.training.Trainer`` and so on; a
name the implementation lacks is a failure that names it, never a skip.
"""
import types


class ImplementationLacks(Exception):
    """The implementation has no object under a public Chainer name."""

    def __init__(self, name):
        super().__init__(f'implementation lacks {name}')
        self.name = name


# Chainer's subpackages: under these names the suite expects a module (or
# any object holding names), never a number or a string.
SUBPACKAGES = frozenset({
    'training', 'training.triggers', 'training.extensions', 'training.updaters',
    'optimizers', 'optimizer_hooks', 'serializers', 'iterators', 'functions', 'links',
    'backend', 'dataset', 'reporter', 'initializers', 'cuda'})

# The names nearly every property needs: an implementation lacking most of
# them is stopped with one summary instead of failing property by property.
CORE_NAMES = (
    'training.Trainer', 'training.Extension', 'training.make_extension',
    'training.updaters.StandardUpdater', 'training.triggers.IntervalTrigger',
    'training.extensions.ExponentialShift', 'iterators.SerialIterator', 'optimizers.SGD',
    'optimizers.Adam', 'serializers.save_npz', 'serializers.load_npz', 'Link', 'Chain',
    'Parameter', 'Variable', 'functions.sum')


def lacking(ns, names=CORE_NAMES):
    """``{name: why}`` for the ``names`` that ``ns`` cannot resolve; ``why``
    is the outermost missing name (``training`` for all of ``training.*``)."""
    missing = {}
    for name in names:
        value = ns
        try:
            for part in name.split('.'):
                value = getattr(value, part)
        except ImplementationLacks as e:
            missing[name] = str(e).removeprefix('implementation lacks ')
        except Exception as e:      # a broken module: importing a name fails
            missing[name] = f'{name} ({type(e).__name__}: {e})'
    return missing


# Attributes hypothesis looks up on a test's arguments; not Chainer names.
_HYPOTHESIS_PROBES = ('execute_example', 'setup_example', 'teardown_example')


class Namespace:
    """Attribute access on a module tree that reports missing names by path."""

    def __init__(self, module, path=''):
        object.__setattr__(self, '_module', module)
        object.__setattr__(self, '_path', path)

    def __getattr__(self, name):
        if name.startswith(('_', 'hypothesis_')) or name in _HYPOTHESIS_PROBES:
            # Dunder/private lookups and the probes hypothesis makes on test
            # arguments are not Chainer names: answer them like any object.
            raise AttributeError(name)
        path = self._path + name
        try:
            value = getattr(self._module, name)
        except AttributeError:
            raise ImplementationLacks(path) from None
        if isinstance(value, (types.ModuleType, types.SimpleNamespace)):
            return Namespace(value, path + '.')
        if path in SUBPACKAGES:
            if value is None or isinstance(value, (bool, int, float, str, bytes)):
                raise ImplementationLacks(
                    f'{path} (a module of names; found the {type(value).__name__} '
                    f'{value!r})')
            return Namespace(value, path + '.')
        return value

    def __setattr__(self, name, value):
        raise TypeError('the namespace under test is read-only')

    def __repr__(self):
        return f'<namespace {self._path or self._module.__name__}>'
