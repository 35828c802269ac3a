"""``--extension=MODULE:FACTORY``: run the round-trip and resume-equivalence
properties on your own trainer extension.

    pytest conformance --impl=chainer --extension=mypkg.shifts:make_shift
    pytest conformance --impl=chainer --extension=examples/tutorial_polynomial_shift.py:factory

``MODULE`` is a dotted module name or a path to a ``.py`` file.  ``FACTORY``
is called once per extension the properties need, as
``factory(optimizer)``, and returns a fresh extension that drives
``optimizer``: a ``MomentumSGD(lr=0.5, momentum=0.9)`` already set up on the
scenario's model, which is also the trainer's ``'main'`` optimizer.  A
factory that takes a second argument also receives the namespace under test
(what ``--impl`` names, e.g. ``chainer``), so one module can build its
extension for every implementation (``class MyShift(ns.training.Extension)``);
see ``examples/tutorial_polynomial_shift.py``.  The extension is registered
with ``trainer.extend(extension)``, so its own ``trigger``, ``priority`` and
name apply; scenarios train for at most 10 iterations.

Without ``--extension`` the same properties run on
``ExponentialShift('lr', 0.75, optimizer=optimizer)``.
"""
import dataclasses
import importlib
import inspect
import os

import pytest

from conformance import errors, loader

_KEY = pytest.StashKey()


class ExtensionError(errors.UsageError, ValueError):
    """An ``--extension`` that cannot be loaded (a usage error)."""


@dataclasses.dataclass(frozen=True)
class UserExtension:
    label: str           # what the failure messages call it
    factory: object      # factory(optimizer) or factory(optimizer, ns)

    def maker(self, ns):
        """``make(optimizer) -> extension`` for the namespace ``ns``."""
        takes_ns = _positional_count(self.factory) >= 2

        def make(optimizer):
            return self.factory(optimizer, ns) if takes_ns else self.factory(optimizer)
        return make


def _positional_count(function):
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return 1
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind == inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return 2
    return sum(p.kind in kinds for p in parameters)


def _default_factory(optimizer, ns):
    return ns.training.extensions.ExponentialShift('lr', 0.75, optimizer=optimizer)


DEFAULT = UserExtension('ExponentialShift (no --extension given)', _default_factory)


def load(spec):
    """The ``UserExtension`` named by ``MODULE:FACTORY``; ``ExtensionError``
    (a ``ValueError``) with what to do when it cannot be loaded."""
    module_name, _, attribute = spec.rpartition(':')
    if not module_name or not attribute:
        raise ExtensionError(f'--extension={spec}: expected MODULE:FACTORY, e.g. '
                             'mypkg.shifts:make_shift or path/to/file.py:factory')
    try:
        if loader.names_a_file(module_name):
            if not os.path.isfile(module_name):
                raise ExtensionError(f'--extension={spec}: no such file {module_name}')
            module = loader.import_file(module_name, '_conformance_extension_')
        else:
            module = importlib.import_module(module_name)
    except ExtensionError:
        raise
    except ValueError as e:   # raised by the module: its message alone, as it always was
        raise ExtensionError(str(e)) from e
    except Exception as e:
        raise ExtensionError(f'--extension={spec}: cannot import {module_name}: '
                             f'{type(e).__name__}: {e}') from e
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise ExtensionError(f'--extension={spec}: {module_name} has no callable {attribute!r}')
    return UserExtension(spec, factory)


def pytest_addoption(parser):
    group = parser.getgroup('chainer-conformance', 'Chainer conformance suite')
    group.addoption(
        '--extension', default=None, metavar='MODULE:FACTORY',
        help='run the serialization and resume properties on the extension '
             'factory(optimizer) returns (see conformance/user_extension.py)')


def pytest_configure(config):
    spec = config.getoption('extension', None)
    with errors.usage_errors():
        config.stash[_KEY] = DEFAULT if spec is None else load(spec)


def pytest_report_header(config):
    extension = config.stash.get(_KEY, None)
    if extension is not None and extension is not DEFAULT:
        return [f'conformance: user extension {extension.label}']
    return []


@pytest.fixture(scope='session')
def user_extension(request):
    """The ``UserExtension`` under test (``--extension``, else the default)."""
    extension = request.config.stash.get(_KEY, None)
    if extension is None:   # this module is imported but not registered as a plugin
        spec = request.config.getoption('extension', None)
        extension = DEFAULT if spec is None else load(spec)
    return extension
