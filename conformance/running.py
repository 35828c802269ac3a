"""Running a conformance property.

Every property runs without hypothesis's local constants (``profiles``
says why), and the generated arguments of each example it runs are kept in
its record: the last ones are the failing example the report gives as data.
An expected failure with a stored example (``--expectations``) runs that
example only, by calling the property's body with it; one with a stored
counterexample replays it as its only example (``examples.replaying``), and
searches as usual if it no longer fails.
"""
import contextlib

import pytest
from hypothesis.errors import DidNotReproduce

from conformance import examples, profiles, reporting


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    prop = reporting.property_of(item.config, item.nodeid)
    if prop is None:
        return (yield)
    with profiles.without_local_constants(), _keeping_arguments(item, prop):
        return (yield from _replaying(item, prop))


@contextlib.contextmanager
def _keeping_arguments(item, prop):
    """Keep the generated arguments of each example the property runs: the
    last one is the failing example (hypothesis runs it again at the end)."""
    if getattr(getattr(item, 'obj', None), 'hypothesis', None) is None:
        yield
        return
    fixtures = set(item._fixtureinfo.argnames)

    def keep(kwargs):
        prop.arguments = {k: v for k, v in kwargs.items() if k not in fixtures}

    with examples.each_example(item.obj, keep):
        yield


def _replaying(item, prop):
    if prop.replay is None:
        return (yield)
    try:
        with examples.replaying(item.obj, prop.replay):
            return (yield)
    except DidNotReproduce as e:
        prop.replay = None
        reporting.of(item.config).problem(
            f'{prop.id}: the stored counterexample no longer fails ({e}); searched instead')
        item.runtest()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """An expected failure whose example is stored as data runs that example
    only, by calling the property's body with it: no hypothesis search, so it
    replays the same under any hypothesis version."""
    prop = reporting.property_of(pyfuncitem.config, pyfuncitem.nodeid)
    if prop is None or prop.replay_arguments is None:
        return None
    fixtures = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    pyfuncitem.obj.hypothesis.inner_test(**fixtures, **prop.replay_arguments)
    return True
