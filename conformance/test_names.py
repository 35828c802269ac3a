"""Under which name an extension is registered (family 'names').

Chainer's rule (``Trainer.extend``): the name is the first that is not
``None`` of the ``name`` argument, ``ext.name``, ``ext.default_name`` and
``ext.__name__``; if all are ``None`` it raises ``TypeError``.  The name
``'training'`` raises ``ValueError``.  A taken name ``m`` becomes ``m_1``,
``m_2``, ... (the first one free), and ``ext.name`` is overwritten with
the registered name, so a re-registered instance starts from it.
``get_extension`` raises ``ValueError`` for a name not registered.  The
model: ``conformance/models/extensions.py``.
"""
import itertools

import pytest
from hypothesis import example, given, strategies as st

from conformance import harness
from conformance.diff import model_mismatch
from conformance.models.extensions import registrations
from conformance.runners import names as runner
from conformance.spec import rule
from conformance.strategies import trainer as scenarios
from conformance.strategies.trainer import NamedObject, NamesScenario, Registration

EXTEND_SOURCE = 'chainer/training/trainer.py:Trainer.extend@v7.8.1'

#: Every name a scenario can register (at most seven times), and one never used.
PROBES = tuple(dict.fromkeys(itertools.chain(
    scenarios.NAMES, ('<lambda>', 'missing'),
    (f'{name}_{k}' for name in scenarios.NAMES + ('<lambda>',) for k in range(1, 8)))))


# --- examples from the catalogue (SEMANTICS.md A1-A3) ---------------------------

PLAIN = NamedObject('subclass', type_name='ext')
SUFFIX_OF_A_SUFFIX = NamesScenario(
    objects=(PLAIN,) * 4,
    registrations=(Registration(0), Registration(1), Registration(2, name='ext_1'),
                   Registration(3)))
SAME_INSTANCE_TWICE = NamesScenario(
    objects=(PLAIN,),
    registrations=(Registration(0), Registration(0), Registration(0, trainer=1)))
TRAINING_EVERY_WAY = NamesScenario(
    objects=(PLAIN, NamedObject('subclass', type_name='training'),
             NamedObject('make_extension', type_name='ext', default_name='training'),
             NamedObject('object', name='training'), NamedObject('object')),
    registrations=(Registration(0, name='training'), Registration(1), Registration(2),
                   Registration(3), Registration(4), Registration(0)))


# --- properties ---------------------------------------------------------------

@rule('names', source=EXTEND_SOURCE)
@given(scenario=scenarios.names_scenarios(reuse_any=False))
@example(scenario=SUFFIX_OF_A_SUFFIX)
@example(scenario=SAME_INSTANCE_TWICE)
@example(scenario=TRAINING_EVERY_WAY)
def test_extension_name_follows_resolution_order_and_ordinal_suffixes(out_dir, ns, scenario):
    """Each registration gets the first non-``None`` of ``name``,
    ``ext.name``, ``ext.default_name``, ``ext.__name__`` with the first free
    ``_k`` suffix, or raises ``TypeError('name is not given for the
    extension')`` / ``ValueError('the name "training" is prohibited as an
    extension name')``; an ``Extension``'s ``name`` is overwritten with it."""
    expected, _ = registrations(scenario)
    outcomes, _ = runner.run_names(ns, out_dir, scenario, PROBES)
    # Only an Extension's name attribute is documented as overwritten.
    actual = [o[:2] + ((o[2],) if scenario.objects[r.obj].form == 'subclass' else (o[1],))
              if o[0] == 'ok' else o for o, r in zip(outcomes, scenario.registrations)]
    assert actual == expected, model_mismatch(
        scenario, expected, actual, "registrations ('ok', name, ext.name) or ('error', type, message)")


@rule('names', source=EXTEND_SOURCE, level='quirk')
@given(scenario=scenarios.names_scenarios())
def test_any_extension_object_gets_its_registered_name_as_its_name(out_dir, ns, scenario):
    """``extend`` sets ``name`` on any extension object (a function too), so
    registering the same function or object again starts from that name."""
    expected, _ = registrations(scenario)
    outcomes, _ = runner.run_names(ns, out_dir, scenario, PROBES)
    assert outcomes == expected, model_mismatch(
        scenario, expected, outcomes, "registrations ('ok', name, ext.name) or ('error', type, message)")


@rule('names', source='chainer/training/trainer.py:Trainer.get_extension@v7.8.1')
@given(scenario=scenarios.names_scenarios(reuse_any=False))
@example(scenario=SAME_INSTANCE_TWICE)
def test_get_extension_finds_registered_names_and_rejects_others(out_dir, ns, scenario):
    """``get_extension(name)`` returns the object registered under ``name``
    (one instance may be there under two names) and raises ``ValueError``
    for any other name, including names whose registration failed."""
    _, registered = registrations(scenario)
    probes = tuple(dict.fromkeys(PROBES + tuple(name for names in registered for name in names)))
    expected = [[(name, names.get(name, 'ValueError')) for name in probes]
                for names in registered]
    _, lookups = runner.run_names(ns, out_dir, scenario, probes)
    actual = [[(name, found[name]) for name in probes] for found in lookups]
    for trainer, (e, a) in enumerate(zip(expected, actual)):
        assert a == e, model_mismatch(
            scenario, [x for x in e if x[1] != 'ValueError'],
            [x for x in a if x[1] != 'ValueError'],
            f'trainer {trainer}: names found by get_extension (name, object)')


@rule('names', source='chainer/training/trainer.py:Trainer.get_extension@v7.8.1', level='quirk')
@given(name=st.text(min_size=1, max_size=8))
def test_get_extension_error_message_names_the_missing_extension(out_dir, ns, name):
    """``get_extension`` of a name nobody registered raises ``ValueError('extension
    <name> not found')``."""
    trainer = harness.make_trainer(ns, out_dir, stop=(1, 'iteration'))
    with pytest.raises(ValueError) as raised:
        trainer.get_extension(name)
    assert str(raised.value) == f'extension {name} not found', raised.value
