"""hyperparameters: the optimizer's values reach every update rule that has
not set its own, through ``Hyperparameter``'s parent chain.
"""
import dataclasses
import warnings

import numpy
import pytest
from hypothesis import given, strategies as st

from conformance import devices, harness, tolerances
from conformance.diff import assert_same
from conformance.models import update_rules
from conformance.runners import optim as runner
from conformance.spec import rule
from conformance.strategies import optim as strategies
from conformance.strategies.frozen import frozen_scenarios
from conformance.strategies.hyperparameters import (
    hyperparameter_ops, overrides, scheduled_scenarios)

FAMILY = 'hyperparameters'
ALL_NAMES = sorted({name for names in update_rules.DEFAULTS.values() for name in names})


def expected_readings(scenario, ops):
    """The optimizer holds its values; a rule reads its own, else the optimizer's."""
    optimizer = update_rules.without_adabound(scenario.effective_hyper())
    own = {path: {} for path in scenario.init}
    names = list(optimizer)

    def reading():
        return {
            'optimizer': dict(optimizer), 'optimizer.hyperparam': dict(optimizer),
            'rules': {path: {'values': {n: {**optimizer, **own[path]}[n] for n in names},
                             'get_dict': {**optimizer, **own[path]}}
                      for path in own}}
    readings = [reading()]
    for op in ops:
        if op[0] == 'optimizer':
            optimizer[op[1]] = op[2]
        elif op[0] == 'rule':
            own[op[1]][op[2]] = op[3]
        else:
            del own[op[1]][op[2]]
        readings.append(reading())
    return readings


@rule(FAMILY, source='chainer/optimizer.py:Hyperparameter, HyperparameterProxy@v7.8.1 (SEMANTICS E2, E3)')
@given(case=hyperparameter_ops())
def test_rules_read_the_optimizers_values_until_they_set_their_own(out_dir, ns, case):
    """After setup, setting ``optimizer.<name>`` reaches every rule that has
    not set ``<name>`` and none that has; setting a rule's value changes
    neither the optimizer nor a sibling; ``del`` restores inheritance, and
    ``get_dict()`` merges the optimizer's entries with the rule's."""
    scenario, ops = case
    actual = runner.run_hyperparameter_ops(ns, scenario, ops)
    expected = expected_readings(scenario, ops)
    for k, (got, want) in enumerate(zip(actual, expected)):
        assert_same(got, want, f'after {ops[:k]}' if k else 'after setup')


@rule(FAMILY, source='chainer/optimizer.py:Hyperparameter@v7.8.1 (SEMANTICS E2; issue chainer#4973)')
@given(scenario=scheduled_scenarios())
def test_optimizer_changes_between_updates_reach_only_rules_without_their_own_value(
        out_dir, ns, scenario):
    """Changing ``optimizer.<name>`` between updates (as a shift extension
    does) changes the updates of every rule without its own ``<name>`` from
    then on, and never those of a rule that set it: each parameter follows,
    bit for bit, its trajectory alone under the changes it inherits."""
    trace = runner.run_updates(ns, scenario)
    for path in scenario.init:
        own = scenario.overrides.get(path, {})
        inherited = [{n: v for n, v in change.items() if n not in own}
                     for change in scenario.changes]
        alone = runner.run_updates(ns, strategies.alone(
            scenario, path, hyper={**scenario.hyper, **own}, changes=inherited))
        for k, (snap, reference) in enumerate(zip(trace.steps, alone.steps), start=1):
            assert_same(runner.param_view(snap, path), runner.param_view(reference, '/p'),
                        f'{path} (own values {own}) after update {k} vs. alone under '
                        f'the optimizer changes {inherited[:k]}')


@rule(FAMILY, source='chainer/optimizers/*.py:__init__@v7.8.1 (SEMANTICS E3)')
@pytest.mark.parametrize('optimizer', strategies.OPTIMIZERS)
@given(data=st.data())
def test_each_optimizer_proxies_its_documented_hyperparameters(out_dir, ns, optimizer, data):
    """An optimizer's hyperparameter holds exactly its constructor arguments
    (documented defaults for the rest), and each is readable and writable as
    an attribute of the optimizer that forwards to ``optimizer.hyperparam``
    (AdaBound's names: ``test_adam_holds_adabounds_hyperparameters``)."""
    defaults = update_rules.core_defaults(optimizer)
    drawn = strategies.hyperparameters(optimizer, exclude=update_rules.ADABOUND)
    given_values = data.draw(drawn, label='constructor arguments')
    new_values = data.draw(drawn, label='assigned')
    opt = getattr(ns.optimizers, optimizer)(**given_values)

    def held():
        return update_rules.without_adabound(opt.hyperparam.get_dict())
    assert_same(held(), {**defaults, **given_values},
                f'{optimizer}(**{given_values}).hyperparam.get_dict()')
    assert_same({n: getattr(opt, n) for n in defaults}, {**defaults, **given_values},
                f'{optimizer} attributes')
    for name, value in new_values.items():
        setattr(opt, name, value)
    assert_same(held(), {**defaults, **given_values, **new_values},
                f'{optimizer}.hyperparam after assigning {new_values} to the optimizer')


@rule(FAMILY, source='chainer/optimizers/adam.py:Adam.__init__, AdamRule.__init__@v7.8.1 '
                     '(SEMANTICS E3)')
@given(data=st.data())
def test_adam_holds_adabounds_hyperparameters(ns, data):
    """AdaBound's ``adabound``, ``final_lr`` and ``gamma`` (Chainer 6) are
    Adam hyperparameters like the others: documented defaults, constructor
    arguments of ``Adam`` and ``AdamRule``, proxied by the optimizer."""
    defaults = {name: update_rules.DEFAULTS['Adam'][name] for name in update_rules.ADABOUND}
    hyperparam = ns.optimizers.Adam().hyperparam
    held = {name: harness.attribute(hyperparam, name, f'optimizers.Adam.{name}')
            for name in update_rules.ADABOUND}
    assert held == defaults, f'Adam().hyperparam holds {held}, expected {defaults}'
    values = data.draw(strategies.hyperparameters('Adam').map(
        lambda drawn: {name: drawn[name] for name in update_rules.ADABOUND if name in drawn}),
        label='AdaBound arguments')
    new_values = {name: values.get(name, defaults[name]) / 2 for name in ('final_lr', 'gamma')}
    for owner, build in (('Adam', ns.optimizers.Adam), ('AdamRule', ns.optimizers.adam.AdamRule)):
        target = harness.call_with(f'optimizers.{owner}', build, **values)
        hyperparam = target.hyperparam
        assert_same({name: getattr(hyperparam, name) for name in update_rules.ADABOUND},
                    {**defaults, **values}, f'{owner}(**{values}).hyperparam')
    opt = ns.optimizers.Adam(**values)
    for name, value in new_values.items():
        setattr(opt, name, value)
    assert_same({name: getattr(opt.hyperparam, name) for name in new_values}, new_values,
                f'Adam(**{values}).hyperparam after assigning {new_values} to the optimizer')


@rule(FAMILY, level='quirk', source='chainer/optimizer.py:HyperparameterProxy@v7.8.1 (SEMANTICS E3)')
@pytest.mark.parametrize('optimizer', strategies.OPTIMIZERS)
def test_an_unproxied_name_set_on_the_optimizer_does_not_reach_its_hyperparameters(ns, optimizer):
    """Only the optimizer's own names are forwarded: assigning another (e.g.
    ``AdaDelta().lr``) leaves ``hyperparam`` as it was (its defaults are
    another property's)."""
    defaults = update_rules.DEFAULTS[optimizer]
    opt = getattr(ns.optimizers, optimizer)()
    before = opt.hyperparam.get_dict()
    others = [n for n in ALL_NAMES if n not in defaults and not hasattr(type(opt), n)]
    for name in others:
        setattr(opt, name, 0.5)
        assert opt.hyperparam.get_dict() == before, (
            f'{optimizer}().{name} = 0.5 reached hyperparam: {opt.hyperparam.get_dict()}, '
            f'was {before}')
        with pytest.raises(AttributeError):
            getattr(opt.hyperparam, name)


@rule(FAMILY, source='chainer/optimizers/*.py:UpdateRule.__init__@v7.8.1')
@pytest.mark.parametrize('optimizer', strategies.OPTIMIZERS)
@given(data=st.data())
def test_a_rule_built_by_hand_holds_its_arguments_over_its_parents_values(ns, optimizer, data):
    """An update rule's constructor (the class ``create_update_rule``
    returns) sets the keyword arguments given, and only those, on its own
    hyperparameter, whose parent is the one given, else a hyperparameter
    holding the optimizer's documented defaults."""
    rule_class = type(getattr(ns.optimizers, optimizer)().create_update_rule())
    drawn = strategies.hyperparameters(optimizer, exclude=update_rules.ADABOUND)
    given = data.draw(drawn, label='rule arguments')
    parent_values = {**update_rules.DEFAULTS[optimizer],   # as an optimizer's would
                     **data.draw(drawn, label='parent values')}
    parent = ns.optimizer.Hyperparameter()
    for name, value in parent_values.items():
        setattr(parent, name, value)
    for base, where in ((None, 'no parent'), (parent, f'parent {parent_values}')):
        rule = rule_class(**given) if base is None else rule_class(base, **given)
        inherited = update_rules.core_defaults(optimizer) if base is None else parent_values
        assert_same(update_rules.without_adabound(rule.hyperparam.get_dict()),
                    update_rules.without_adabound({**inherited, **given}),
                    f'{rule_class.__name__}(**{given}) with {where}: hyperparam.get_dict()')
        if base is not None:
            assert rule.hyperparam.parent is parent, (
                f'{rule_class.__name__}(parent, **{given}).hyperparam.parent is not parent')


@rule(FAMILY, level='quirk', source='chainer/optimizer.py:HyperparameterProxy.__init__@v7.8.1')
@pytest.mark.parametrize('optimizer', strategies.OPTIMIZERS)
def test_each_proxy_documents_itself_as_an_alias_of_its_hyperparameter(ns, optimizer):
    """Read on the class, each proxied name is the proxy itself, whose
    docstring is ``Alias to ``self.hyperparam.<name>````."""
    cls = getattr(ns.optimizers, optimizer)
    docs = {name: getattr(cls, name).__doc__ for name in update_rules.core_defaults(optimizer)}
    expected = {name: f'Alias to ``self.hyperparam.{name}``' for name in docs}
    assert docs == expected, f'{optimizer} proxies: {docs}, expected {expected}'


@rule(FAMILY, source='chainer/optimizers/adam.py:Adam.lr, Adam.alpha_t@v7.8.1 (SEMANTICS E3, E9)')
@given(hyper=strategies.hyperparameters('Adam', exclude=update_rules.ADABOUND),
       steps=st.integers(1, 4), frozen=st.booleans())
def test_adam_lr_is_a_read_only_alias_of_the_optimizers_alpha_t(out_dir, ns, hyper, steps, frozen):
    """``Adam.lr`` (deprecated) and ``Adam.alpha_t`` are
    ``alpha * sqrt(1 - beta2**t) / (1 - beta1**t)`` with the optimizer's t,
    even when the rules' t differ; before any update they raise RuntimeError;
    ``lr`` cannot be assigned."""
    built = runner.Built(ns, strategies.single_param_tree((2,)), {'/p': numpy.ones(2, 'f')})
    opt = ns.optimizers.Adam(**hyper)
    opt.setup(built.root)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        with pytest.raises(RuntimeError):
            opt.lr
    with pytest.raises(RuntimeError):
        harness.attribute(opt, 'alpha_t', 'optimizers.Adam.alpha_t')
    with pytest.raises(AttributeError):
        opt.lr = 0.5
    built.rule('/p').enabled = not frozen
    for _ in range(steps):
        built.params['/p'].grad = numpy.ones(2, 'f')
        opt.update()
    expected = update_rules.adam_alpha_t({**update_rules.DEFAULTS['Adam'], **hyper}, steps)
    bound = tolerances.hook_bound(numpy.float64, abs(expected))
    with pytest.warns(DeprecationWarning):
        lr = opt.lr
    for name, value in (('alpha_t', opt.alpha_t), ('lr', lr)):
        assert tolerances.within(value, expected, bound), (
            f'Adam(**{hyper}).{name} after {steps} updates (rule t '
            f'{built.rule("/p").t}): {value!r}, expected {expected!r}')


@rule(FAMILY, level='quirk',
      source='chainer/optimizers/adam.py:_learning_rate, Adam.lr, AdamRule.lr, '
             'AdamRule.bounds@v7.8.1 (SEMANTICS E3)')
def test_adam_learning_rate_errors_and_warnings_are_worded_as_chainers(ns):
    """Before the first update, ``alpha_t`` and ``lr`` of an Adam optimizer and
    of its rules raise ``Can't determine the learning rate of Adam optimizer
    because the update steps have not been started.``, an AdaBound rule's
    ``bounds`` ``Can't determine the bounds of AdaBound optimizer because the
    update steps have not been started.``; reading ``lr`` warns ``<Adam or
    AdamRule>.lr has been renamed to AdamRule.alpha_t. Use of <Adam or
    AdamRule>.lr is deprecated in Chainer v6.``"""
    built = runner.Built(ns, strategies.single_param_tree((2,)), {'/p': numpy.ones(2, 'f')})
    opt = harness.call_with('optimizers.Adam', ns.optimizers.Adam, adabound=True)
    opt.setup(built.root)
    never_ran = ('Can\'t determine the {} of {} optimizer because the update steps have '
                 'not been started.')
    renamed = ('{0}.lr has been renamed to AdamRule.alpha_t. '
               'Use of {0}.lr is deprecated in Chainer v6.')
    for owner, target in (('Adam', opt), ('AdamRule', built.rule('/p'))):
        reads = [('alpha_t', never_ran.format('learning rate', 'Adam')),
                 ('lr', never_ran.format('learning rate', 'Adam'))]
        if owner == 'AdamRule':
            reads.append(('bounds', never_ran.format('bounds', 'AdaBound')))
        for name, message in reads:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore', DeprecationWarning)
                with pytest.raises(RuntimeError) as info:
                    getattr(target, name)
            assert info.value.args == (message,), (
                f'{owner}.{name} before the first update: RuntimeError{info.value.args}, '
                f'expected {message!r}')
    built.params['/p'].grad = numpy.ones(2, 'f')
    opt.update()
    for owner, target in (('Adam', opt), ('AdamRule', built.rule('/p'))):
        with pytest.warns(DeprecationWarning) as caught:
            target.lr
        assert [str(w.message) for w in caught] == [renamed.format(owner)], (
            f'{owner}.lr warned {[str(w.message) for w in caught]}, '
            f'expected {[renamed.format(owner)]}')


@rule(FAMILY, source='chainer/optimizer.py:Optimizer.setup, GradientMethod.setup@v7.8.1 (SEMANTICS E1)')
@given(scenario=frozen_scenarios(exclude=update_rules.ADABOUND), epochs=st.integers(0, 2),
       data=st.data())
def test_setup_again_starts_over_with_new_rules_and_no_hooks(out_dir, ns, scenario, epochs, data):
    """``setup`` returns the optimizer, resets t and epoch, drops the
    optimizer's hooks and gives every parameter a new enabled rule with
    t = 0, no state, no hooks and no values of its own, so the next update is
    that of a fresh optimizer on the same values."""
    scenario.overrides = data.draw(overrides(scenario), label='overrides')
    built, optimizer, report = runner.run_setup_again(ns, scenario, epochs)
    hyper = optimizer.hyperparam.get_dict()
    expected = {
        'setup returned the optimizer': True, 't': 0, 'epoch': 0,
        'old optimizer hooks still registered': [],
        'rules': {path: {'new object': True, 't': 0, 'state': None, 'enabled': True,
                         'hyperparameters': hyper} for path in built.params}}
    assert_same(report, expected, 'after setup again')
    values = {path: devices.to_host(p.array) for path, p in built.params.items()}
    grads = data.draw(strategies.gradient_steps(scenario.tree.shapes(), scenario.dtype, 1),
                      label='next gradients')
    fresh = runner.run_updates(ns, dataclasses.replace(
        scenario, init=values, hyper=hyper, grads=grads, optimizer_hooks=(),
        rule_hooks={}, overrides={}, actions=None, changes=None))
    runner.set_grads(built, grads[0])
    optimizer.update()
    after = runner.snapshot(built, optimizer)
    for path in values:
        assert_same(runner.param_view(after, path), runner.param_view(fresh.final, path),
                    f'{path} after the first update since setup again vs. a fresh '
                    f'{scenario.optimizer}(**{hyper})')


NEW_EPOCH_REFUSED = {
    True: 'invalid new_epoch call with auto=True.\n'
          'Fix the updater to set optimizer.use_auto_new_epoch = True.',
    False: 'duplicated new_epoch with the updater.\n'
           'Pass auto_new_epoch=False to the updater or stop calling '
           'new_epoch outside the updater.',
}


def play_new_epoch_calls(ns, optimizer, calls):
    """``(use_auto_new_epoch, auto)`` per call: set the flag, call
    ``new_epoch(auto=auto)`` (``new_epoch()`` for ``auto=None``); return
    ``(epoch, RuntimeError args or None)`` after each call, and ``t``."""
    opt = getattr(ns.optimizers, optimizer)()
    opt.setup(ns.Link())
    trace = []
    for use_auto, auto in calls:
        opt.use_auto_new_epoch = use_auto
        try:
            opt.new_epoch() if auto is None else opt.new_epoch(auto=auto)
            refused = None
        except RuntimeError as error:
            refused = error.args
        trace.append((opt.epoch, refused))
    return trace, opt.t


NEW_EPOCH_CALLS = st.tuples(st.booleans(), st.sampled_from((True, False, None)))


@rule(FAMILY, source='chainer/optimizer.py:Optimizer.new_epoch@v7.8.1 (SEMANTICS D3)')
@given(optimizer=st.sampled_from(strategies.OPTIMIZERS),
       calls=st.lists(NEW_EPOCH_CALLS, min_size=1, max_size=6))
def test_new_epoch_counts_only_calls_from_whoever_owns_the_epoch(ns, optimizer, calls):
    """``new_epoch(auto)`` adds one to ``epoch`` (and nothing to ``t``) when
    ``auto`` matches ``use_auto_new_epoch`` (the updater calls it with
    ``auto=True`` when it owns the count, the user without; ``auto``
    defaults to False); otherwise it raises RuntimeError and leaves
    ``epoch`` as it was."""
    trace, t = play_new_epoch_calls(ns, optimizer, calls)
    epoch, expected = 0, []
    for use_auto, auto in calls:
        epoch += use_auto == bool(auto)
        expected.append((epoch, None if use_auto == bool(auto) else 'RuntimeError'))
    actual = [(e, None if refused is None else 'RuntimeError') for e, refused in trace]
    assert actual == expected and t == 0, (
        f'(use_auto_new_epoch, auto) calls {calls}: (epoch, raised) {actual}, t {t}; '
        f'expected {expected}, t 0')


@rule(FAMILY, level='quirk', source='chainer/optimizer.py:Optimizer.new_epoch@v7.8.1')
@given(calls=st.lists(NEW_EPOCH_CALLS, min_size=1, max_size=4))
def test_new_epoch_refusals_are_worded_as_chainers(ns, calls):
    """``auto=True`` without ``use_auto_new_epoch``: ``invalid new_epoch call
    with auto=True.`` and how to fix the updater; a call without ``auto``
    while the updater owns the count: ``duplicated new_epoch with the
    updater.`` and the two ways out, as in Chainer."""
    trace, _ = play_new_epoch_calls(ns, 'SGD', calls)
    expected = [None if use_auto == bool(auto) else (NEW_EPOCH_REFUSED[bool(auto)],)
                for use_auto, auto in calls]
    assert [refused for _, refused in trace] == expected, (
        f'(use_auto_new_epoch, auto) calls {calls}: {[r for _, r in trace]}, '
        f'expected {expected}')


@rule(FAMILY, source='chainer/optimizer.py:Hyperparameter@v7.8.1 (SEMANTICS E2)')
@given(chain=st.lists(st.dictionaries(st.sampled_from(ALL_NAMES), st.floats(-1, 1)),
                      min_size=1, max_size=3),
       missing=st.sampled_from(ALL_NAMES))
def test_hyperparameter_lookup_walks_the_parent_chain(out_dir, ns, chain, missing):
    """A ``Hyperparameter`` answers a name from its own entries, else from its
    ``parent``'s, recursively; a name found nowhere raises AttributeError;
    ``get_dict()`` merges the chain, nearest entries winning."""
    levels, parent = [], None
    for entries in chain:
        hp = ns.optimizer.Hyperparameter(parent)
        for name, value in entries.items():
            setattr(hp, name, value)
        assert hp.parent is parent, 'Hyperparameter(parent).parent is not parent'
        levels.append(hp)
        parent = hp
    merged = {}
    for level, (hp, entries) in enumerate(zip(levels, chain)):
        merged = {**merged, **entries}
        assert_same(hp.get_dict(), merged, f'get_dict() of level {level} of {chain}')
        for name, value in merged.items():
            assert getattr(hp, name) == value, (
                f'level {level} of {chain}: {name} is {getattr(hp, name)!r}, expected {value!r}')
        if missing not in merged:
            with pytest.raises(AttributeError):
                getattr(hp, missing)


@rule(FAMILY, source='chainer/optimizers/adam.py:AdamW, AMSGrad, AdaBound, AMSBound@v7.8.1')
@pytest.mark.parametrize('preset', sorted(update_rules.ADAM_PRESETS))
@given(data=st.data())
def test_adam_presets_are_adam_with_their_flags_and_argument_order(ns, preset, data):
    """``AdamW``, ``AMSGrad``, ``AdaBound`` and ``AMSBound`` are ``Adam``s whose
    hyperparameter holds Adam's defaults, the preset's flags, and the arguments
    given, positionally in the documented order or by keyword."""
    flags, order = update_rules.ADAM_PRESETS[preset]
    values = {name: data.draw(st.floats(0.0625, 0.5), label=name) for name in order}
    positional = order[:data.draw(st.integers(0, len(order)), label='positional')]
    keywords = data.draw(st.sets(st.sampled_from(order)), label='keywords') - set(positional)
    opt = getattr(ns.optimizers, preset)(*[values[n] for n in positional],
                                         **{n: values[n] for n in keywords})
    assert isinstance(opt, ns.optimizers.Adam), f'{preset} is not a subclass of Adam'
    given_values = {n: values[n] for n in (*positional, *keywords)}
    assert_same(opt.hyperparam.get_dict(), {**update_rules.DEFAULTS['Adam'], **flags, **given_values},
                f'{preset}(*{[values[n] for n in positional]}, '
                f'**{ {n: values[n] for n in keywords} }).hyperparam.get_dict()')


@rule(FAMILY, level='quirk', source='chainer/optimizer.py:Hyperparameter.__repr__@v7.8.1')
@pytest.mark.parametrize('optimizer', strategies.OPTIMIZERS)
@given(data=st.data())
def test_hyperparameter_repr_lists_every_value_by_name(ns, optimizer, data):
    """``repr(hyperparam)`` is ``Hyperparameter(name=value, ...)`` over the
    values it sees (its parents' included), sorted by name."""
    opt = getattr(ns.optimizers, optimizer)(**data.draw(
        strategies.hyperparameters(optimizer, exclude=update_rules.ADABOUND),
        label='constructor arguments'))
    seen = opt.hyperparam.get_dict()
    expected = 'Hyperparameter(%s)' % ', '.join(f'{k}={seen[k]}' for k in sorted(seen))
    assert repr(opt.hyperparam) == expected, (repr(opt.hyperparam), expected)


@rule(FAMILY, level='quirk', source='chainer/optimizer.py:Optimizer.setup@v7.8.1')
@pytest.mark.parametrize('target', (None, 1.0, 'link', numpy.zeros(2)))
def test_setup_refuses_what_is_not_a_link_in_chainers_words(ns, target):
    """``setup`` of anything but a ``Link`` raises ``TypeError('optimization
    target must be a link')``."""
    with pytest.raises(TypeError) as raised:
        ns.optimizers.SGD().setup(target)
    assert str(raised.value) == 'optimization target must be a link', raised.value
