"""optimizer-hooks: when optimizer and rule hooks run, what they see, and
what the built-in hooks do to the gradients.
"""
import numpy
import pytest
from hypothesis import given

from conformance import diff, harness, tolerances
from conformance.models import update_rules
from conformance.runners import optim as runner
from conformance.spec import rule
from conformance.strategies import optim as strategies
from conformance.strategies.hooks import (
    clipping_scenarios, gradientless_scenarios, hook_order_scenarios, hook_scenarios,
    invalid_timing_scenarios)

FAMILY = 'optimizer-hooks'


@given(case=hook_order_scenarios())
@rule(FAMILY, source='chainer/optimizer.py:GradientMethod.update, UpdateRule.update@v7.8.1 (SEMANTICS E4, E6, F2, F4)')
def test_hooks_are_called_in_chainers_update_order(out_dir, ns, case):
    """Per update: the optimizer's pre hooks in registration order, seeing the
    old ``optimizer.t`` (a ``call_for_each_param`` hook once per parameter in
    sorted-name order, disabled and uninitialized ones included, with that
    rule's old t); then ``optimizer.t`` grows; then each enabled rule counts
    the update and runs its pre, then post hooks; then the optimizer's post
    hooks, seeing the new t.  ``timing='auto'`` uses the hook's ``timing``
    attribute, 'pre' without one; the name comes from the hook's ``name``."""
    scenario, optimizer_recorders, rule_recorders = case
    log = runner.run_hook_log(ns, scenario, optimizer_recorders, rule_recorders)
    expected = update_rules.call_log(scenario, optimizer_recorders, rule_recorders)
    difference = diff.first_call_difference(log, expected)
    assert difference is None, (
        f'hook calls differ at {difference}\nactual:   {log}\nexpected: {expected}')


def check_hooked_updates(scenario, trace, untouched=()):
    """Compare each update with ``update_rules.sgd_update_with_hooks``; the
    gradients of ``untouched`` parameters must be exactly those given."""
    masks = update_rules.enabled_masks(scenario)
    before = scenario.init
    for k, snap in enumerate(trace.steps):
        enabled = {p: masks[p][k] for p in scenario.init}
        model = update_rules.sgd_update_with_hooks(scenario, k, before, enabled)
        for path, (grad, grad_scale, param, param_scale) in model.items():
            where = f'{path} ({"enabled" if enabled[path] else "frozen"}) after update {k + 1}'
            if path in untouched or (not enabled[path] and not scenario.optimizer_hooks):
                given_grad = scenario.grads[k][path]
                expected = (numpy.zeros_like(scenario.init[path]) if given_grad is None
                            else given_grad)
                assert numpy.array_equal(snap.grads[path], expected), (
                    f'{where}: grad {snap.grads[path]!r} was rewritten; expected {expected!r}')
            bound = tolerances.hook_bound(scenario.dtype, grad_scale)
            assert tolerances.within(snap.grads[path], grad, bound).all(), (
                f'{where}: grad {tolerances.first_miss(snap.grads[path], grad, bound)}')
            if enabled[path]:
                bound = tolerances.hook_bound(scenario.dtype, param_scale)
                assert tolerances.within(snap.params[path], param, bound).all(), (
                    f'{where}: param {tolerances.first_miss(snap.params[path], param, bound)}')
            else:
                assert numpy.array_equal(snap.params[path], before[path]), (
                    f'{where}: frozen parameter moved: {snap.params[path]!r}, '
                    f'was {before[path]!r}')
        before = snap.params


@given(scenario=hook_scenarios(optimizer_hooks=True, rule_hooks=False))
@rule(FAMILY, source='chainer/optimizer_hooks/{weight_decay,lasso,gradient_hard_clipping}.py:__call__@v7.8.1 (SEMANTICS E6, F9)')
def test_optimizer_hooks_rewrite_every_gradient_frozen_parameters_included(out_dir, ns, scenario):
    """WeightDecay (``g += rate * p``), Lasso (``g += rate * sign(p)``) and
    GradientHardClipping (``g = clip(g, lower, upper)``) registered on the
    optimizer rewrite the gradient of every parameter, in registration order,
    before the update; a frozen parameter's gradient is rewritten too, but the
    parameter does not move."""
    check_hooked_updates(scenario, runner.run_updates(ns, scenario))


@given(scenario=hook_scenarios(optimizer_hooks=False, rule_hooks=True))
@rule(FAMILY, source='chainer/optimizer.py:UpdateRule.update@v7.8.1 (SEMANTICS F4, F9)')
def test_rule_hooks_rewrite_only_their_own_enabled_parameters_gradient(out_dir, ns, scenario):
    """Hooks added to one update rule rewrite that parameter's gradient during
    its update and touch no other parameter; the hooks of a disabled rule are
    not called at all."""
    untouched = [p for p in scenario.init if p not in scenario.rule_hooks]
    check_hooked_updates(scenario, runner.run_updates(ns, scenario), untouched)


@given(scenario=clipping_scenarios())
@rule(FAMILY, source='chainer/optimizer_hooks/gradient_clipping.py:GradientClipping.__call__@v7.8.1 (SEMANTICS F9)')
def test_gradient_clipping_scales_every_initialized_gradient_by_the_global_norm(
        out_dir, ns, scenario):
    """GradientClipping(threshold) computes the L2 norm of all initialized
    parameters' gradients together, frozen ones included; if
    ``threshold / norm >= 1`` it leaves every gradient untouched, else it
    multiplies each by that rate."""
    trace = runner.run_updates(ns, scenario)
    threshold = scenario.optimizer_hooks[0].args[0]
    _, rate = update_rules.gradient_clipping(threshold, [
        g.astype(numpy.float64) for g in scenario.grads[0].values() if g is not None])
    check_hooked_updates(scenario, trace, untouched=list(scenario.init) if rate >= 1 else ())


@given(scenario=gradientless_scenarios())
@rule(FAMILY, source='chainer/optimizer_hooks/{weight_decay,lasso,gradient_hard_clipping}.py:__call__, '
                     'chainer/optimizer.py:UpdateRule.update@v7.8.1 (SEMANTICS F2, F9)')
def test_rule_hooks_leave_a_parameter_without_a_gradient_alone(out_dir, ns, scenario):
    """``param.update()`` called directly (no optimizer, so no zero gradients
    are allocated) on a parameter whose gradient was cleared: an enabled rule
    counts the step and (for an initialized parameter) creates its zero
    state, its WeightDecay, Lasso and GradientHardClipping hooks skip the
    missing gradient, and the parameter keeps its value and no gradient; a
    disabled rule does nothing."""
    final = runner.run_gradientless_updates(ns, scenario)
    masks = update_rules.enabled_masks(scenario)
    hyper = scenario.effective_hyper()
    for path in scenario.tree.param_paths():
        value, enabled = scenario.init.get(path), masks[path][0]
        expected = {'param': value, 'grad': None, 't': scenario.steps if enabled else 0,
                    'state': None if value is None or not enabled else {
                        key: numpy.zeros_like(value)
                        for key in update_rules.state_keys(scenario.optimizer, hyper)}}
        difference = diff.bitwise_difference(runner.param_view(final, path), expected, path)
        assert difference is None, (
            f'{scenario.optimizer} rule hooks {scenario.rule_hooks.get(path, ())}, '
            f'{"enabled" if enabled else "frozen"}, after {scenario.steps} gradientless '
            f'updates: {difference}')


class _Hook:
    name = 'hook'

    def __call__(self, *args):
        pass


def _unnamed(*args):
    pass


@rule(FAMILY, source='chainer/optimizer.py:_Hookable.add_hook, Optimizer.add_hook@v7.8.1 (SEMANTICS E6, F4)')
def test_add_hook_rejects_misuse(ns):
    """``add_hook``, ``remove_hook`` and ``call_hooks`` before ``setup`` raise
    RuntimeError; ``call_hooks`` with a timing other than pre/post
    ValueError; ``add_hook`` of a non-callable hook TypeError; a timing
    other than pre/post/auto ValueError; a name used before, by a pre or a
    post hook, KeyError; ``remove_hook`` of an unknown name KeyError.  Rules'
    ``add_hook`` raises the same, and a hook without ``name`` is named by its
    ``__name__``."""
    link = runner.Built(ns, strategies.single_param_tree((2,)), {'/p': numpy.ones(2, 'f')})
    optimizer = ns.optimizers.SGD()
    for call in (lambda: optimizer.add_hook(_Hook()), lambda: optimizer.remove_hook('hook'),
                 optimizer.call_hooks, lambda: optimizer.call_hooks('post')):
        with pytest.raises(RuntimeError):
            call()
    optimizer.setup(link.root)
    with pytest.raises(ValueError):
        optimizer.call_hooks('auto')
    for target in (optimizer, link.rule('/p')):
        with pytest.raises(TypeError):
            target.add_hook(object())
        with pytest.raises(ValueError):
            target.add_hook(_Hook(), timing='later')
        target.add_hook(_Hook(), timing='post')
        with pytest.raises(KeyError):
            target.add_hook(_Hook(), timing='pre')
        with pytest.raises(KeyError):
            target.add_hook(_unnamed, name='hook')
        target.add_hook(_unnamed)
        target.remove_hook('_unnamed')
        target.remove_hook('hook')
        with pytest.raises(KeyError):
            target.remove_hook('hook')


class _Nameless:
    """A callable hook with neither ``name`` nor ``__name__``."""

    def __call__(self, *args):
        pass


class _BadTiming(_Hook):
    name, timing = 'bad timing', 'bogus'


@rule(FAMILY, level='quirk', source='chainer/optimizer.py:_Hookable.add_hook@v7.8.1')
def test_add_hook_errors_and_warning_are_worded_as_chainers(ns):
    """An optimizer's and a rule's ``add_hook`` reject misuse with Chainer's
    messages: ``hook function must be callable`` (TypeError), ``timing must
    be one of ('pre', 'post', 'auto')`` and ``the name of the hook function
    is not specified`` (ValueError), ``hook "<name>" already exists``
    (KeyError); the optimizer's warning on a bad ``timing`` attribute reads
    ``Hook timing attribute not in ('pre', 'post'), defaulting timing to
    'pre'.``; ``call_hooks`` with a bad timing says ``timing must be either
    'pre' or 'post'``, and any hook call before ``setup`` ``Optimizer is not
    set up. Call `setup` method.``"""
    link = runner.Built(ns, strategies.single_param_tree((2,)), {'/p': numpy.ones(2, 'f')})
    optimizer = ns.optimizers.SGD()
    not_set_up = 'Optimizer is not set up. Call `setup` method.'
    for call, make in (('add_hook(hook)', lambda: optimizer.add_hook(_Hook())),
                       ("remove_hook('hook')", lambda: optimizer.remove_hook('hook')),
                       ('call_hooks()', optimizer.call_hooks)):
        with pytest.raises(RuntimeError) as info:
            make()
        assert info.value.args == (not_set_up,), (
            f'optimizer.{call} before setup: RuntimeError{info.value.args}, '
            f'expected {not_set_up!r}')
    optimizer.setup(link.root)
    with pytest.raises(ValueError) as info:
        optimizer.call_hooks('auto')
    assert info.value.args == ("timing must be either 'pre' or 'post'",), (
        f"optimizer.call_hooks('auto'): ValueError{info.value.args}")
    for owner, target in (('optimizer', optimizer), ('rule', link.rule('/p'))):
        target.add_hook(_Hook())
        misuses = (
            ('add_hook(object())', TypeError, 'hook function must be callable',
             lambda: target.add_hook(object())),
            ("add_hook(hook, timing='later')", ValueError,
             "timing must be one of ('pre', 'post', 'auto')",
             lambda: target.add_hook(_Hook(), name='other', timing='later')),
            ('add_hook(a hook without a name)', ValueError,
             'the name of the hook function is not specified',
             lambda: target.add_hook(_Nameless())),
            ("add_hook(a second hook named 'hook')", KeyError, 'hook "hook" already exists',
             lambda: target.add_hook(_Hook())))
        for call, error, message, make in misuses:
            with pytest.raises(error) as info:
                make()
            assert info.value.args == (message,), (
                f'{owner}.{call}: {error.__name__}{info.value.args}, expected {message!r}')
    with pytest.warns(UserWarning) as caught:
        optimizer.add_hook(_BadTiming())
    expected = "Hook timing attribute not in ('pre', 'post'), defaulting timing to 'pre'."
    assert [str(w.message) for w in caught] == [expected], [str(w.message) for w in caught]


@given(case=invalid_timing_scenarios())
@rule(FAMILY, level='quirk', source='chainer/optimizer.py:_Hookable.add_hook@v7.8.1 (SEMANTICS E6, F4)')
def test_an_invalid_timing_attribute_means_pre_for_the_optimizer_and_post_for_a_rule(
        out_dir, ns, case):
    """With ``timing='auto'`` and a hook whose ``timing`` attribute is neither
    'pre' nor 'post', the optimizer warns (UserWarning) and files it as pre; a
    rule silently files it as post."""
    scenario, optimizer_recorders, rule_recorders = case
    with harness.issued_warnings() as caught:
        log = runner.run_hook_log(ns, scenario, optimizer_recorders, rule_recorders)
    expected = update_rules.call_log(scenario, optimizer_recorders, rule_recorders)
    difference = diff.first_call_difference(log, expected)
    assert difference is None, (
        f'hook calls differ at {difference}\nactual:   {log}\nexpected: {expected}')
    invalid = [r.name for r in optimizer_recorders
               if r.timing == 'auto' and r.attribute == 'bogus']
    user_warnings = [w for w in caught if issubclass(w.category, UserWarning)
                     and not issubclass(w.category, DeprecationWarning)]
    assert len(user_warnings) == len(invalid), (
        f'{len(user_warnings)} UserWarnings, expected one per optimizer hook filed '
        f'with an invalid timing attribute ({invalid}) and none for rule hooks: '
        f'{[str(w.message) for w in user_warnings]}')
