"""Collection: what is expected of each conformance property in this run.

Each property (a test with ``@rule``) gets its record (``reporting.Property``)
and the suite's hypothesis settings; Chainer's documented divergences become
expected failures, what the implementation declares unsupported becomes a
skip, and the entries of the ``--expectations`` file become expected
failures or skips, an expected failure with its stored example or
counterexample to replay (``running``).  A namespace lacking most of the
API stops the session here with one summary.
"""
import hypothesis
import pytest

from conformance import distributed, examples, expectations, profiles, reporting, session, spec
from conformance.namespace import CORE_NAMES, Namespace, lacking


@pytest.hookimpl(tryfirst=True)   # before -k/-m deselection: expectations see every property
def pytest_collection_modifyitems(config, items):
    run, records = session.of(config), reporting.of(config)
    marked = [item for item in items if item.get_closest_marker('conformance')]
    if not marked and not run.entries:
        return
    impl = session.implementation(config)
    for item in marked:
        prop = _property(item)
        records.add(item.nodeid, prop)
        if getattr(getattr(item, 'obj', None), 'is_hypothesis_test', False):
            profiles.apply(item.obj, run.settings, run.seed)
        for div in item.iter_markers('diverges'):
            own = spec.divergence_applies(div, impl.name, impl.version)
            if own or run.chainer_preset and spec.divergence_applies(div, 'chainer'):
                # The preset declares what Chainer does; a derived namespace
                # that fixed a divergence passes (an xpass), it does not fail.
                name = div.kwargs['impl'] if own else f'{session.CHAINER_PRESET} (preset)'
                where = f" (NumPy {div.kwargs['numpy']})" if div.kwargs.get('numpy') else ''
                item.add_marker(pytest.mark.xfail(
                    strict=own, raises=AssertionError,
                    reason=f"{name}{where} diverges: {div.kwargs['reason']} "
                           f"[{div.kwargs['source']}]"))
                break
        why = run.capabilities.why_not_run(prop.family, run.device)
        if why is not None:
            prop.unsupported = why
            item.add_marker(pytest.mark.skip(reason=f'unsupported: {why}'))
    if any(records.properties[item.nodeid].unsupported is None for item in marked):
        if _stop_if_most_of_the_api_is_missing(config, impl):
            items[:] = []
            return
    if run.entries:
        _apply_expectations(config, items, impl, run.device)


def _property(item):
    """A new record of the property ``item``, from its marks."""
    mark = item.get_closest_marker('conformance')
    chainers = [d for d in item.iter_markers('diverges')
                if spec.divergence_applies(d, 'chainer')]
    return reporting.Property(
        id=session.property_id(item), family=mark.kwargs['family'],
        level=mark.kwargs['level'], source=mark.kwargs['source'],
        chainer_diverges=(f"{chainers[0].kwargs['reason']} [{chainers[0].kwargs['source']}]"
                          if chainers else None))


def _stop_if_most_of_the_api_is_missing(config, impl):
    """One summary and exit status 1 for a namespace lacking most core names
    (an xdist worker runs nothing and leaves the exit to its controller)."""
    missing = lacking(Namespace(impl.module))
    if len(missing) * 2 <= len(CORE_NAMES):
        return False
    message = (f'--impl={impl.spec}: {impl.describe()} lacks {len(missing)} of the '
               f'{len(CORE_NAMES)} names nearly every property needs, so the suite stops '
               'here instead of failing every property:\n  '
               + '\n  '.join(dict.fromkeys(missing.values())))
    if not distributed.is_worker(config):
        pytest.exit(message, returncode=pytest.ExitCode.TESTS_FAILED)
    distributed.stop(config, message)
    return True


def _apply_expectations(config, items, impl, device):
    run, records = session.of(config), reporting.of(config)
    strict = config.getoption('strict_expectations')
    matched = set()
    for item in items:
        entry = expectations.select(run.entries, session.property_id(item))
        if entry is None:
            continue
        matched.add(entry.id)
        try:
            if not entry.applies(device, impl.version):
                continue
        except expectations.ExpectationsError as e:
            pytest.exit(f'--expectations={run.expectations_file}: {e}',
                        returncode=pytest.ExitCode.USAGE_ERROR)
        prop = records.properties.get(item.nodeid)
        if prop is not None:
            prop.expected = entry
        if entry.status == 'skip':
            item.add_marker(pytest.mark.skip(reason=entry.describe()))
            continue
        item.add_marker(pytest.mark.xfail(strict=strict, reason=entry.describe()))
        hypothesis_test = getattr(getattr(item, 'obj', None), 'is_hypothesis_test', False)
        if entry.example is not None and hypothesis_test:
            try:
                arguments = examples.loads(entry.example)
            except examples.NotData as e:
                records.problem(f'{entry.id}: its example cannot be replayed ({e}); '
                                + ('its replay blob is used instead' if entry.replay
                                   else 'searched instead'))
            else:
                if prop is not None:
                    prop.replay_arguments = arguments
                continue
        if entry.replay is None:
            continue
        if not hypothesis_test:
            records.problem(f'{entry.id}: has a replay but is not a hypothesis property')
        elif entry.replay[0] != hypothesis.__version__:
            records.problem(
                f'{entry.id}: replay recorded with hypothesis {entry.replay[0]}, running '
                f'{hypothesis.__version__}; searched instead (record the counterexample '
                'in the report)')
        elif prop is not None:
            prop.replay = entry.replay
    collected = {item.path.name for item in items}
    for entry in run.entries:
        file = entry.id.split('::', 1)[0]
        if entry.id not in matched and (file in collected
                                        or not (session.SUITE_DIR / file).exists()):
            records.problem(f'{entry.id}: matches no property of this suite')
