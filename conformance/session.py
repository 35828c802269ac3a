"""What one pytest session of the suite runs with: the hypothesis profile
and seed, the device, the expectations and the implementation under test.

``configure`` reads the options once, from the plugin's ``pytest_configure``,
into a ``Run`` kept in ``config.stash``; the rest of the plugin reads it with
``of(config)`` and gets the implementation, imported on first use, with
``implementation(config)``.  A wrong option is a usage error
(``errors.UsageError``), reported as pytest's.
"""
import dataclasses
import os
import pathlib
import random

import hypothesis
import pytest
from hypothesis.errors import InvalidArgument

from conformance import capabilities, devices, distributed, errors, expectations, loader, profiles

SUITE_DIR = pathlib.Path(__file__).resolve().parent
# --expectations=chainer-7.8.1: Chainer's @diverges marks hold for any namespace.
CHAINER_PRESET = 'chainer-7.8.1'

_KEY = pytest.StashKey()


@dataclasses.dataclass
class Run:
    """The session's settings, as the command line gives them."""
    profile: str                  # the suite's hypothesis profile
    settings: object              # its hypothesis.settings
    max_examples_option: int      # --max-examples, or None
    seed: object                  # the hypothesis seed (an int, or the text given)
    device: object = None           # the devices.Device of --device
    expectations_file: str = None
    chainer_preset: bool = False  # --expectations=chainer-7.8.1
    entries: list = dataclasses.field(default_factory=list)   # of expectations_file
    implementation: object = None   # the loader.Implementation, once imported
    capabilities: object = None     # what it declares unsupported (capabilities.Capabilities)

    @property
    def seed_text(self):
        return str(self.seed)


def of(config):
    """The session's ``Run``; None where the suite's plugin did not configure it."""
    return config.stash.get(_KEY, None)


def configure(config):
    """Read the suite's options into the session's ``Run``; import the
    implementation at once when the command line selects the suite."""
    for path in config.getoption('report'):
        if not path.endswith(('.json', '.md')):
            raise pytest.UsageError(f'--report={path}: the file name must end in .json or .md')
    run = config.stash[_KEY] = _hypothesis_run(config)
    with errors.usage_errors():
        run.device = devices.parse(config.getoption('device'))
        devices.use(run.device)
    for path in config.getoption('expectations'):
        if path == CHAINER_PRESET:
            run.chainer_preset = True
            continue
        if run.expectations_file is not None:
            raise pytest.UsageError(f'--expectations={path}: one expectations file per run '
                                    f'(already {run.expectations_file}); the preset '
                                    f'{CHAINER_PRESET} can be given beside it')
        run.expectations_file = os.path.abspath(path)
        with errors.usage_errors():
            run.entries = expectations.load(path)
    if config.getoption('impl') is not None or _runs_the_suite(config):
        _load(config)
    return run


def _hypothesis_run(config):
    """The suite's profile (``--hypothesis-profile`` when it names one of the
    suite's, ``--max-examples`` overriding) and seed (``--hypothesis-seed``,
    else 0 under ``ci`` and a fresh one elsewhere).

    Nothing is loaded globally: the collection hook applies them to the
    suite's properties only, so a user's own hypothesis tests in the same
    session keep their settings.  A profile of the suite's is taken off the
    option so that hypothesis's own plugin does not load it for every test;
    any other name is left to hypothesis, once it is known.
    """
    given = config.getoption('hypothesis_profile', None)
    if given in profiles.PROFILES:
        config.option.hypothesis_profile = None
    elif given is not None:
        try:
            hypothesis.settings.get_profile(given)
        except InvalidArgument:
            raise pytest.UsageError(
                f'--hypothesis-profile={given}: no such profile; the suite has '
                f'{", ".join(profiles.PROFILES)}, and no hypothesis profile of '
                'that name is registered') from None
    base = given if given in profiles.PROFILES else profiles.default_profile()
    count = config.getoption('max_examples')
    if count is not None and count < 1:
        raise pytest.UsageError(f'--max-examples={count}: give a positive number')
    seed = config.getoption('hypothesis_seed', None)
    if seed is None:    # an xdist worker draws with its controller's seed
        seed = distributed.controller_seed(config)
    if seed is None:
        seed = profiles.CI_SEED if base == 'ci' else random.randrange(2 ** 32)
    seed = int(seed) if str(seed).isdigit() else seed
    return Run(profile=base, settings=profiles.settings(base, count),
               max_examples_option=count, seed=seed)


def _runs_the_suite(config):
    """Whether the command line selects (part of) the conformance package.

    Only then is the default implementation imported at start-up, so that
    ``pytest tests`` does not depend on the reference importing.
    """
    for arg in config.args:
        target = arg.split('::')[0]
        if config.option.pyargs and target.split('.')[0] == 'conformance':
            return True
        path = (config.invocation_params.dir / target).resolve()
        if path == SUITE_DIR or SUITE_DIR in path.parents or path in SUITE_DIR.parents:
            return True
    return False


def _load(config):
    run, spec = of(config), config.getoption('impl')
    if spec is not None and not spec.strip():
        raise pytest.UsageError(f'--impl is empty; give {loader.ACCEPTED_FORMS}')
    with errors.usage_errors():
        impl = loader.load_implementation(spec or 'reference',
                                          search_dir=config.invocation_params.dir)
    with errors.usage_errors(f'--impl={impl.spec}: '):
        run.capabilities = capabilities.Capabilities.of(impl.module)
    run.implementation = impl
    return impl


def implementation(config):
    """The implementation under test, imported on first use."""
    run = of(config)
    if run.implementation is None:
        try:
            _load(config)
        except pytest.UsageError as e:
            pytest.exit(str(e), returncode=pytest.ExitCode.USAGE_ERROR)
    return run.implementation


def profile_text(run):
    """``(shown, options)``: the profile as the header shows it, and the
    options that select it."""
    shown = f'hypothesis profile {run.profile!r}'
    option = f'--hypothesis-profile={run.profile}'
    if run.max_examples_option is not None:
        shown += f' with max_examples={run.max_examples_option}'
        option += f' --max-examples={run.max_examples_option}'
    return shown, option


def run_line(run):
    """Device, profile and seed, with the options that reproduce the run."""
    (shown, option), seed = profile_text(run), run.seed_text
    return (f'device {run.device}, {shown}, seed {seed} '
            f'(reproduce with --impl={run.implementation.spec} {option} '
            f'--hypothesis-seed={seed})')


def property_id(item):
    """``test_file.py::test_name[params]``: the id expectations and reports use."""
    return f"{item.path.name}::{item.nodeid.split('::', 1)[1]}"
