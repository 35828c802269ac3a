"""The suite's hypothesis profiles: ``ci`` (deterministic, the default when
CI is set), ``dev`` (the default elsewhere), ``thorough`` (many more
examples) and ``meta`` (the meta-tests: no shrinking).

They apply to the suite's own properties only (``apply``), never to other
hypothesis tests in the same pytest session: nothing here registers or loads
a profile globally.  Each one derives from hypothesis's pristine ``default``
profile, not from whatever is loaded (hypothesis loads its own ``ci``
profile when ``CI`` is set, whose ``derandomize=True`` would make every
seed give the same run).  No example database: a run is reproduced from its
seed alone, which the run header prints.
"""
import contextlib
import os

import hypothesis
from hypothesis import HealthCheck, Phase

_COMMON = dict(
    database=None,
    deadline=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PROFILES = {
    'ci': dict(max_examples=25, **_COMMON),
    'dev': dict(max_examples=50, **_COMMON),
    'thorough': dict(max_examples=500, **_COMMON),
    # For the meta-tests, which only ask whether a broken implementation is
    # caught: no shrinking, so a caught bug costs one failing example.
    'meta': dict(max_examples=25, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                 **_COMMON),
}

# Seed used when none is given and the profile is 'ci': CI runs are identical.
CI_SEED = 0


def default_profile():
    return 'ci' if os.environ.get('CI') else 'dev'


def settings(name, max_examples=None):
    """The ``hypothesis.settings`` of profile ``name`` (``max_examples`` overriding)."""
    values = dict(PROFILES[name])
    if max_examples is not None:
        values['max_examples'] = max_examples
    return hypothesis.settings(parent=hypothesis.settings.get_profile('default'), **values)


def apply(test, settings, seed):
    """Give the hypothesis property ``test`` these settings and this seed.

    ``hypothesis.seed`` is public; the settings are set on the attribute the
    ``@settings`` decorator sets, because that decorator refuses a second
    application and one process may run several sessions (pytester).
    """
    hypothesis.seed(seed)(test)
    test._hypothesis_internal_use_settings = settings


@contextlib.contextmanager
def without_local_constants():
    """Generation that does not depend on which modules are imported.

    Hypothesis mixes constants found in the source of every *local* module
    imported so far (the implementation's, the user's tests') into the
    values it draws, so the same seed gave other examples depending on the
    selection of tests and what ran before.  Inside this block the suite's
    properties see no local constants (hypothesis's built-in ones stay);
    the cache of permitted constants is emptied on entry and exit so that
    no other test's constants leak in or out.  Hypothesis versions without
    this mechanism are left alone.
    """
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants
        local, cache = providers._get_local_constants, providers.CONSTANTS_CACHE
    except (ImportError, AttributeError):
        yield
        return
    empty = Constants()
    cache.cache.clear()
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = local
        cache.cache.clear()
