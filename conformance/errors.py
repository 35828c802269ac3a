"""The suite's usage errors: what the user wrote is wrong, not the
implementation under test.

Every error raised for a wrong command line, expectations file,
``__conformance__`` declaration or ``--extension`` derives from
``UsageError``; the plugin turns one into ``pytest.UsageError``
(``usage_errors``): exit status 4, the message and no traceback.  Each class
stays defined, and importable, where it is raised, and keeps its builtin base
(``ValueError`` for most), so a caller catching that still catches it:

- ``loader.ImplementationError``: ``--impl`` names nothing importable;
- ``devices.DeviceError`` (a ``ValueError``): ``--device`` names no usable device;
- ``expectations.ExpectationsError`` (a ``ValueError``): a malformed
  ``--expectations`` file;
- ``capabilities.CapabilityError`` (a ``ValueError``): a malformed
  ``__conformance__`` declaration;
- ``user_extension.ExtensionError`` (a ``ValueError``): an ``--extension``
  that cannot be loaded.

The suite's other exceptions are deliberately not usage errors:
``namespace.ImplementationLacks`` is a property's failure (it names the
public name the implementation lacks), ``examples.NotData`` and
``script.Unexpressible`` are handled where they are raised (an example kept
as a blob only, a failure script written through the suite), and
``runners.trainer.InjectedFailure`` is a test double's error.
"""
import contextlib

import pytest


class UsageError(Exception):
    """The suite was used wrongly; its message says what to change."""


@contextlib.contextmanager
def usage_errors(prefix=''):
    """Turn a ``UsageError`` raised in the block into ``pytest.UsageError``
    with the message ``prefix + str(error)``."""
    try:
        yield
    except UsageError as e:
        raise pytest.UsageError(f'{prefix}{e}') from None
