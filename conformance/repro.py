"""Runnable reproduction scripts for failed properties.

A script re-runs exactly one property on one implementation through
``pytest.main``: the implementation is imported by its ``--impl`` spec
through ``conformance.loader``, and the counterexample hypothesis found (its
``@reproduce_failure`` blob) is replayed as the only example, so the script
fails the same way every time.  Given another implementation
(``python repro_x.py reference``) it runs the same example there.

Where a failure can be replayed through the public API alone,
``script_checks.public_script`` writes a script over the implementation
instead; this one is the fallback.
"""
import os
import re
import sys

import pytest
from hypothesis import reproduce_failure
from hypothesis.errors import DidNotReproduce

from conformance import loader

SUITE_DIR = os.path.dirname(os.path.abspath(__file__))
_BLOB = re.compile(r"@reproduce_failure\('([^']+)', b'([^']+)'\)")


def counterexample(text):
    """``(hypothesis version, blob)`` from hypothesis's failure output, or None."""
    match = _BLOB.search(text or '')
    return (match.group(1), match.group(2)) if match else None


def file_name(property_id):
    test = property_id.split('::', 1)[-1]
    return 'repro_' + re.sub(r'\W+', '_', test).strip('_') + '.py'


def script(property_id, *, impl, describe, options, blob, suite_version, search_dir=None):
    """The text of a script that replays ``property_id`` on ``impl``."""
    name = file_name(property_id)
    how = 'replays the failing example' if blob else 'reruns the property with the same seed'
    return f'''"""Reproduce {property_id} on {describe}.

    python {name} [IMPL]

{how} on IMPL (default {impl!r}); give another
implementation, e.g. `python {name} reference`, to run the same example there.
Written by chainer-conformance {suite_version}.
"""
import sys

from conformance import repro

sys.exit(repro.replay(
    {property_id!r},
    impl=sys.argv[1] if len(sys.argv) > 1 else {impl!r},
    options={list(options)!r},
    blob={blob!r},
    search_dir={search_dir!r},
))
'''


def replay(property_id, *, impl, options=(), blob=None, search_dir=None):
    """Run ``property_id`` on ``impl``, replaying ``blob`` as its only example;
    returns pytest's exit code (0: the example passes there).

    A module name is also looked up in ``search_dir``, the directory the
    failing run started from, so the script runs from any directory."""
    if search_dir is not None and os.path.isdir(search_dir) and search_dir not in sys.path:
        sys.path.append(search_dir)
    implementation = loader.load_implementation(impl, search_dir=os.getcwd())
    print(f'conformance: replaying {property_id} on {implementation.describe()}')
    file, _, test = property_id.partition('::')
    target = os.path.join(SUITE_DIR, file) + '::' + test
    plugins = [_Replay(blob)] if blob else []
    return int(pytest.main([target, f'--impl={impl}', *options, '-p', 'no:cacheprovider'],
                           plugins=plugins))


class _Replay:
    """Replays one hypothesis counterexample in place of the search."""

    def __init__(self, blob):
        self.blob = blob

    def pytest_collection_modifyitems(self, items):
        for item in items:
            reproduce_failure(self.blob[0], self.blob[1].encode())(
                getattr(item.obj, '__func__', item.obj))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item):
        try:
            return (yield)
        except DidNotReproduce as e:
            if 'completed successfully' not in str(e):
                raise   # the blob no longer fits the property: not a pass
            print(f'conformance: the example passes on this implementation ({e})')
            return None
