"""Runnable reproduction scripts for failed properties.

``attach`` puts a script under each failure the plugin reports (and into
``--repro-dir``).  Where the failure can be replayed through the public API
alone, ``script_checks.public_script`` writes a script over the
implementation; otherwise the script is the one ``script`` writes here.

That one re-runs exactly one property on one implementation through
``pytest.main``: the implementation is imported by its ``--impl`` spec
through ``conformance.loader``, and the counterexample hypothesis found (its
``@reproduce_failure`` blob) is replayed as the only example, so the script
fails the same way every time.  Given another implementation
(``python repro_x.py reference``) it runs the same example there.
"""
import os
import pathlib
import re
import sys

import pytest
from hypothesis.errors import DidNotReproduce

from conformance import examples, expectations, loader, report, script_checks, session
from conformance.script import NOT_REPLAYED

SUITE_DIR = os.path.dirname(os.path.abspath(__file__))
_BLOB = re.compile(r"@reproduce_failure\('([^']+)', b'([^']+)'\)")


def counterexample(text):
    """``(hypothesis version, blob)`` from hypothesis's failure output, or None."""
    match = _BLOB.search(text or '')
    return (match.group(1), match.group(2)) if match else None


def counterexample_of(error, rep):
    """``(hypothesis version, blob)`` of the example that failed with
    ``error`` (reported as ``rep``), if hypothesis printed it."""
    notes = '\n'.join(getattr(error, '__notes__', ()))
    return counterexample(notes) or counterexample(rep.longreprtext)


def file_name(property_id):
    test = property_id.split('::', 1)[-1]
    return 'repro_' + re.sub(r'\W+', '_', test).strip('_') + '.py'


def attach(item, rep, error, prop):
    """Put a reproduction script under the failure ``rep`` of ``item`` (and
    into ``--repro-dir``); ``prop``, its ``reporting.Property``, keeps the
    script and the file it was written to."""
    config = item.config
    run, impl = session.of(config), session.implementation(config)
    blob = counterexample_of(error, rep)
    _, profile_option = session.profile_text(run)
    options = [f'--device={run.device}', *profile_option.split(),
               f'--hypothesis-seed={run.seed_text}']
    extension = config.getoption('extension', None)
    if extension is not None:
        module, _, factory = extension.rpartition(':')
        if loader.names_a_file(module):
            module = str(config.invocation_params.dir / module)
        options.append(f'--extension={module}:{factory}')
    target = prop.id if session.SUITE_DIR in item.path.resolve().parents else \
        f"{item.path}::{item.nodeid.split('::', 1)[1]}"
    text, why = None, 'no counterexample to replay on the CPU through ns'
    ns = getattr(item, 'funcargs', {}).get('ns')
    if blob is not None and ns is not None and run.device.kind == 'cpu':
        try:
            module = impl.file if impl.resolved_as == 'file' else impl.module.__name__
            text, why = script_checks.public_script(
                item, ns, blob, error, property_id=target, file=file_name(target),
                module=module, describe=impl.describe(), suite_version=report.suite_version(),
                where=str(config.invocation_params.dir))
        except (Exception, pytest.fail.Exception, pytest.skip.Exception):
            # Never lose the report over a script; pytest.raises and friends
            # inside a replayed property raise pytest's own outcomes.
            text, why = None, NOT_REPLAYED
    if text is None:
        text = script(
            target, impl=impl.file if impl.resolved_as == 'file' else impl.spec,
            describe=impl.describe(), options=options, blob=blob,
            suite_version=report.suite_version(), search_dir=str(config.invocation_params.dir))
    prop.repro = text
    note = '' if why is None else f'# (replays through the suite: {why})\n'
    section = note + text
    directory = config.getoption('repro_dir')
    if directory:
        path = pathlib.Path(config.invocation_params.dir, directory, file_name(target))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding='utf-8')
        prop.repro_file = str(path)
        section = f'# written to {path}\n{note}{text}'
    section += '\n# To declare this failure expected, add to the --expectations file:\n'
    section += ''.join(f'#   {line}\n' for line in expectations.entry_toml(
        prop.id, 'TODO: why', blob).splitlines())
    rep.sections.append(('conformance: reproduce this failure', section))


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

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item):
        try:
            with examples.replaying(item.obj, self.blob):
                return (yield)
        except DidNotReproduce as e:
            if 'completed successfully' not in str(e):
                raise   # the blob no longer fits the property: not a pass
            print(f'conformance: the example passes on this implementation ({e})')
            return None
