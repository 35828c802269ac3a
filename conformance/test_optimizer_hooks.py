"""optimizer-hooks: when optimizer and rule hooks run, what they see, and
what the built-in hooks do to the gradients.
"""
import numpy
import pytest
from hypothesis import assume, given, strategies as st

from conformance import devices, diff, harness, tolerances
from conformance.models import update_rules
from conformance.runners import optim as runner
from conformance.spec import rule
from conformance.strategies import optim as strategies
from conformance.strategies.hooks import (
    LARS_DEFAULTS, clipping_scenarios, gradientless_scenarios, hook_order_scenarios, hook_scenarios,
    invalid_timing_scenarios, lars_arguments, placed_hook_scenarios)

FAMILY = 'optimizer-hooks'


@rule(FAMILY, source='chainer/optimizer.py:GradientMethod.update, UpdateRule.update@v7.8.1 (SEMANTICS E4, E6, F2, F4)')
@given(case=hook_order_scenarios())
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


@rule(FAMILY, source='chainer/optimizer_hooks/{weight_decay,lasso,gradient_hard_clipping}.py:__call__@v7.8.1 (SEMANTICS E6, F9)')
@given(scenario=hook_scenarios(optimizer_hooks=True, rule_hooks=False))
def test_optimizer_hooks_rewrite_every_gradient_frozen_parameters_included(out_dir, ns, scenario):
    """WeightDecay (``g += rate * p``), Lasso (``g += rate * sign(p)``) and
    GradientHardClipping (``g = clip(g, lower, upper)``) registered on the
    optimizer rewrite the gradient of every parameter, in registration order,
    before the update; a frozen parameter's gradient is rewritten too, but the
    parameter does not move."""
    check_hooked_updates(scenario, runner.run_updates(ns, scenario))


@rule(FAMILY, source='chainer/optimizer.py:UpdateRule.update@v7.8.1 (SEMANTICS F4, F9)')
@given(scenario=hook_scenarios(optimizer_hooks=False, rule_hooks=True))
def test_rule_hooks_rewrite_only_their_own_enabled_parameters_gradient(out_dir, ns, scenario):
    """Hooks added to one update rule rewrite that parameter's gradient during
    its update and touch no other parameter; the hooks of a disabled rule are
    not called at all."""
    untouched = [p for p in scenario.init if p not in scenario.rule_hooks]
    check_hooked_updates(scenario, runner.run_updates(ns, scenario), untouched)


@rule(FAMILY, source='chainer/optimizer_hooks/gradient_clipping.py:GradientClipping.__call__@v7.8.1 (SEMANTICS F9)')
@given(scenario=clipping_scenarios())
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


@rule(FAMILY, source='chainer/optimizer_hooks/{weight_decay,lasso,gradient_hard_clipping,'
                     'gradient_lars,gradient_noise}.py:__call__, '
                     'chainer/optimizer.py:UpdateRule.update@v7.8.1 (SEMANTICS F2, F9)')
@given(scenario=gradientless_scenarios())
def test_rule_hooks_leave_a_parameter_without_a_gradient_alone(out_dir, ns, scenario):
    """``param.update()`` called directly (no optimizer, so no zero gradients
    are allocated) on a parameter whose gradient was cleared: an enabled rule
    counts the step and (for an initialized parameter) creates its zero
    state, its WeightDecay, Lasso, GradientHardClipping, GradientLARS and
    GradientNoise hooks skip the missing gradient, and the parameter keeps its value and no gradient; a
    disabled rule does nothing."""
    final = runner.run_gradientless_updates(ns, scenario)
    masks = update_rules.enabled_masks(scenario)
    hyper = scenario.effective_hyper()
    for path in scenario.tree.param_paths():
        value, enabled = scenario.init.get(path), masks[path][0]
        expected = {'param': value, 'grad': None, 't': scenario.steps if enabled else 0,
                    'state': None if value is None or not enabled else
                    update_rules.state_like(scenario.optimizer, hyper, value)}
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


@rule(FAMILY, level='quirk', source='chainer/optimizer.py:_Hookable.add_hook@v7.8.1 (SEMANTICS E6, F4)')
@given(case=invalid_timing_scenarios())
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


# ------------------------------------------------------ GradientNoise, GradientLARS

def play_placed_hooks(ns, scenario, on_optimizer, rule_paths, make):
    """Play ``scenario`` (no hooks of its own) with ``make('optimizer', built)``
    added to the optimizer and ``make(path, built)`` to the rule of each of
    ``rule_paths``; per update, the values before it and the snapshot after."""
    built, optimizer = runner.prepare(ns, scenario)
    if on_optimizer:
        optimizer.add_hook(make('optimizer', built))
    for path in rule_paths:
        built.rule(path).add_hook(make(path, built))
    steps = []
    for grads, actions in zip(scenario.grads, scenario.actions):
        for action in actions:
            runner.apply_action(built, action)
        runner.set_grads(built, grads)
        before = {path: devices.to_host(p.array) for path, p in built.params.items()}
        optimizer.update()
        steps.append((before, runner.snapshot(built, optimizer)))
    return steps


def placed_hook_model(scenario, on_optimizer, rule_paths):
    """Per update, per parameter: which hook calls rewrite its gradient, in
    order, as ``(where, rule t seen)``, and whether its rule is enabled.  The
    optimizer's per-parameter hook runs for every initialized parameter,
    frozen ones included, before the rules count the update; a rule's own
    hook runs only when the rule is enabled, after it counted (E4, F2)."""
    masks = update_rules.enabled_masks(scenario)
    paths = [p for p in scenario.tree.param_paths() if p in scenario.init]
    t = dict.fromkeys(paths, 0)
    for k in range(scenario.steps):
        calls = [('optimizer', path, t[path]) for path in paths] if on_optimizer else []
        for path in paths:
            t[path] += masks[path][k]
        calls += [(path, path, t[path]) for path in paths
                  if masks[path][k] and path in rule_paths]
        yield k, calls, {path: masks[path][k] for path in paths}


def noise_value(eta, t, shape):
    """The deterministic noise the suite's ``noise_func`` returns: exact in
    every dtype, different per element, per hook (``eta``) and per ``t``."""
    size = int(numpy.prod(shape, dtype=int))
    return ((numpy.arange(size) % 4 - 1.5) * eta + 0.125 * t).reshape(shape)


class NoiseLog:
    """A ``noise_func`` that logs each call and returns ``noise_value``."""

    def __init__(self, log, built):
        self.log = log
        self.paths = {id(built.rule(path)): path for path in built.params}

    def __call__(self, xp, shape, dtype, hook, opt):
        where = self.paths.get(id(opt), f'not an update rule: {type(opt).__name__}')
        t = getattr(opt, 't', None)
        self.log.append((hook.eta, where, t, tuple(shape), numpy.dtype(dtype).name,
                         getattr(xp, '__name__', repr(xp))))
        return xp.asarray(noise_value(hook.eta, 0 if t is None else t, shape), dtype=dtype)


ETA = {'optimizer': 0.5}    # a rule's GradientNoise has eta 0.25


@rule(FAMILY, source='chainer/optimizer_hooks/gradient_noise.py:GradientNoise.__call__@v7.8.1; '
                     'chainer/optimizer.py:Optimizer.call_hook, UpdateRule.update@v7.8.1 (SEMANTICS F12)')
@given(case=placed_hook_scenarios())
def test_gradient_noise_adds_exactly_what_its_noise_func_returns_before_the_step(
        out_dir, ns, case):
    """``GradientNoise(eta, noise_func)`` is a per-parameter 'pre' hook that
    calls ``noise_func(xp, grad.shape, grad.dtype, hook, rule)`` (the
    parameter's update rule as ``opt``) and adds the result to the gradient
    in place, before the step.  On the optimizer it runs for every
    initialized parameter, frozen ones included, seeing each rule's ``t``
    before the update counts; on a rule, only while that rule is enabled,
    seeing ``t`` already counted.  The SGD step uses the noisy gradient."""
    scenario, on_optimizer, rule_paths = case
    log = []
    lr = scenario.effective_hyper()['lr']
    xp_name = 'numpy' if devices.current().kind == 'cpu' else 'cupy'

    def make(where, built):
        return ns.optimizer_hooks.GradientNoise(ETA.get(where, 0.25), NoiseLog(log, built))
    steps = play_placed_hooks(ns, scenario, on_optimizer, rule_paths, make)
    for (k, calls, enabled), (before, snap) in zip(
            placed_hook_model(scenario, on_optimizer, rule_paths), steps):
        for path, on in enabled.items():
            given_grad = scenario.grads[k][path]
            grad = numpy.zeros_like(scenario.init[path]) if given_grad is None else given_grad
            for where, target, t in calls:
                if target == path:
                    eta = ETA.get(where, 0.25)
                    grad = grad + noise_value(eta, t, grad.shape).astype(grad.dtype)
            where = f'{path} ({"enabled" if on else "frozen"}) after update {k + 1}'
            assert snap.grads[path] is not None and numpy.array_equal(snap.grads[path], grad), (
                f'{where}: grad {snap.grads[path]!r}, expected the given one plus the noise: '
                f'{grad!r}')
            if on:
                expected = before[path].astype(numpy.float64) - lr * grad.astype(numpy.float64)
                bound = tolerances.hook_bound(scenario.dtype, abs(expected) + abs(lr * grad))
                assert tolerances.within(snap.params[path], expected, bound).all(), (
                    f'{where}: the step did not use the noisy gradient: '
                    f'{tolerances.first_miss(snap.params[path], expected, bound)}')
            else:
                assert numpy.array_equal(snap.params[path], before[path]), (
                    f'{where}: frozen parameter moved')
    order = []
    for k, calls, enabled in placed_hook_model(scenario, on_optimizer, rule_paths):
        order += [(ETA.get(where, 0.25), path, t, numpy.shape(scenario.init[path]),
                   scenario.dtype, xp_name) for where, path, t in calls]
    assert log == order, (
        f'noise_func calls (eta, rule of, opt.t, shape, dtype, xp): {log}, expected {order}')


@rule(FAMILY, source='chainer/optimizer_hooks/gradient_noise.py:exponential_decay_noise, '
                     'GradientNoise.__init__@v7.8.1 (SEMANTICS F12)')
@given(case=placed_hook_scenarios(), seed=st.integers(0, 2 ** 32 - 1))
def test_gradient_noise_by_default_draws_gaussian_noise_that_decays_with_t(
        out_dir, ns, case, seed):
    """Without a ``noise_func``, ``GradientNoise(eta)`` adds
    ``xp.random.normal(0, sqrt(eta / (1 + t) ** 0.55), grad.shape)`` cast
    to the gradient's dtype: drawn from the global random state of the
    parameter's array module (NumPy's on the CPU), one draw per hook call in
    the order the hooks run, ``t`` being the rule's as a ``noise_func`` sees
    it.  (Modelled by a RandomState seeded as the global one was.)"""
    scenario, on_optimizer, rule_paths = case
    xp = devices.current().xp
    saved = numpy.random.get_state()
    xp.random.seed(seed)
    try:
        steps = play_placed_hooks(
            ns, scenario, on_optimizer, rule_paths,
            lambda where, built: ns.optimizer_hooks.GradientNoise(ETA.get(where, 0.25)))
    finally:
        numpy.random.set_state(saved)
    random = xp.random.RandomState(seed)
    grads = {}
    for k, calls, enabled in placed_hook_model(scenario, on_optimizer, rule_paths):
        for path in enabled:
            given_grad = scenario.grads[k][path]
            grads[path] = (numpy.zeros_like(scenario.init[path]) if given_grad is None
                           else given_grad)
        for where, path, t in calls:
            std = numpy.sqrt(ETA.get(where, 0.25) / numpy.power(1 + t, 0.55))
            noise = random.normal(0, std, numpy.shape(grads[path])).astype(grads[path].dtype)
            grads[path] = grads[path] + devices.to_host(noise)
        for path in enabled:
            got = steps[k][1].grads[path]
            assert got is not None and numpy.array_equal(got, grads[path]), (
                f'{path} after update {k + 1}: grad {got!r}, expected the given one plus '
                f'the default noise drawn with seed {seed}: {grads[path]!r}')


def lars_model(args, p, g, scale):
    """GradientLARS(threshold, weight_decay, eps) on one parameter: ``g +=
    weight_decay * p`` then ``g *= rate``, ``rate = |p| / (eps + |g| +
    weight_decay * |p|)`` (norms of the gradient before the decay term) if
    ``|p| > threshold``, else 1.  Returns the gradient, its error scale and
    how near ``|p|`` is to the threshold (relative)."""
    threshold, decay, eps = tuple(args) + LARS_DEFAULTS[len(args):]
    p_norm, g_norm = numpy.sqrt(numpy.sum(p * p)), numpy.sqrt(numpy.sum(g * g))
    rate = p_norm / (eps + g_norm + decay * p_norm) if p_norm > threshold else 1.0
    terms = p.size + 6     # the rate carries the rounding of two norms
    new = (g + decay * p) * rate
    new_scale = (scale + abs(decay * p)) * rate * (terms if rate != 1.0 else 1)
    nearness = abs(p_norm - threshold) / max(p_norm, threshold, 1e-300)
    return new, new_scale, nearness


@rule(FAMILY, source='chainer/optimizer_hooks/gradient_lars.py:GradientLARS.__call__@v7.8.1 (SEMANTICS F13)')
@given(case=placed_hook_scenarios(), data=st.data())
def test_gradient_lars_rescales_each_gradient_by_its_parameters_trust_ratio(
        out_dir, ns, case, data):
    """``GradientLARS(threshold, weight_decay, eps)`` (defaults 0.01, 0, 1e-9)
    is a per-parameter 'pre' hook: for each parameter on its own, ``g += weight_decay * p``, then
    ``g *= |p| / (eps + |g| + weight_decay * |p|)`` (L2 norms over the whole
    array, ``|g|`` before the decay term) when ``|p| > threshold``, else the
    gradient only gets the decay term.  On the optimizer it rewrites every
    initialized parameter's gradient, frozen ones included; on a rule only
    while the rule is enabled; the SGD step uses the result."""
    scenario, on_optimizer, rule_paths = case
    args = {'optimizer': data.draw(lars_arguments(scenario.dtype), label='optimizer hook')}
    for path in rule_paths:
        args[path] = data.draw(lars_arguments(scenario.dtype), label=f'hook of {path}')
    lr = scenario.effective_hyper()['lr']

    def make(where, built):
        return ns.optimizer_hooks.GradientLARS(*args[where])
    steps = play_placed_hooks(ns, scenario, on_optimizer, rule_paths, make)
    for (k, calls, enabled), (before, snap) in zip(
            placed_hook_model(scenario, on_optimizer, rule_paths), steps):
        for path, on in enabled.items():
            given_grad = scenario.grads[k][path]
            grad = (numpy.zeros(numpy.shape(scenario.init[path])) if given_grad is None
                    else given_grad.astype(numpy.float64))
            p = before[path].astype(numpy.float64)
            scale = abs(grad)
            for where, target, _ in calls:
                if target == path:
                    _, decay, eps = tuple(args[where]) + LARS_DEFAULTS[len(args[where]):]
                    # Chainer computes the rate in the parameter's dtype: one that
                    # overflows there (float16, a zero gradient, a small eps) makes
                    # 0 * inf = nan, a degenerate case this model leaves out
                    divisor = eps + numpy.linalg.norm(grad) + decay * numpy.linalg.norm(p)
                    rate = numpy.linalg.norm(p) / divisor if divisor else numpy.inf
                    with numpy.errstate(over='ignore'):
                        assume(numpy.isfinite(numpy.asarray(rate).astype(scenario.dtype)))
                    grad, scale, nearness = lars_model(args[where], p, grad, scale)
                    # a norm that rounds across the threshold may take either branch
                    assume(nearness > 1e-2)
            where = f'{path} ({"enabled" if on else "frozen"}) after update {k + 1}'
            bound = tolerances.hook_bound(scenario.dtype, scale)
            assert tolerances.within(snap.grads[path], grad, bound).all(), (
                f'{where}: grad {tolerances.first_miss(snap.grads[path], grad, bound)}')
            if on:
                expected = p - lr * grad
                bound = tolerances.hook_bound(scenario.dtype, abs(p) + lr * scale)
                assert tolerances.within(snap.params[path], expected, bound).all(), (
                    f'{where}: param {tolerances.first_miss(snap.params[path], expected, bound)}')
            else:
                assert numpy.array_equal(snap.params[path], before[path]), (
                    f'{where}: frozen parameter moved')


@rule(FAMILY, source='chainer/optimizer_hooks/gradient_lars.py:GradientLARS.__call__@v7.8.1 (SEMANTICS F13)')
@pytest.mark.parametrize('threshold', [5.0, 4.0], ids=['at', 'below'])
def test_gradient_lars_rescales_only_above_the_threshold(ns, threshold):
    """The trust ratio applies when ``|p| > threshold``, strictly: a
    parameter ``(3, 4)`` (norm exactly 5) with threshold 5 keeps its
    gradient (weight decay 0), with threshold 4 it is rescaled by
    ``5 / (eps + |g|)``.  (The random property stays away from the edge.)"""
    link = ns.Link()
    with link.init_scope():
        link.p = ns.Parameter(numpy.array([3.0, 4.0], dtype=numpy.float32))
    devices.place(link)
    optimizer = ns.optimizers.SGD(lr=0.0)
    optimizer.setup(link)
    optimizer.add_hook(ns.optimizer_hooks.GradientLARS(threshold, 0.0, 1e-9))
    link.p.grad = devices.current().array(numpy.array([0.5, -0.25], dtype=numpy.float32))
    optimizer.update()
    g = numpy.array([0.5, -0.25])
    expected = g if threshold == 5.0 else g * 5.0 / (1e-9 + numpy.sqrt(numpy.sum(g * g)))
    bound = tolerances.hook_bound('float32', abs(expected) * 8)
    got = devices.to_host(link.p.grad)
    assert tolerances.within(got, expected, bound).all(), (
        f'|p| = 5, threshold {threshold}: grad {got!r}, expected {expected!r}')


DEPRECATED_HOOKS = {
    'WeightDecay': (0.25,), 'Lasso': (0.125,), 'GradientClipping': (0.5,),
    'GradientHardClipping': (-0.25, 0.5), 'GradientNoise': (0.5,),
}


@rule(FAMILY, level='quirk', source='chainer/optimizer.py:WeightDecay, Lasso, GradientClipping, '
                                    'GradientNoise, GradientHardClipping@v7.8.1')
@pytest.mark.parametrize('name', sorted(DEPRECATED_HOOKS))
@given(case=placed_hook_scenarios())
def test_the_deprecated_optimizer_hook_names_warn_and_act_as_the_hooks(out_dir, ns, name, case):
    """``chainer.optimizer.<Hook>`` (WeightDecay, Lasso, GradientClipping,
    GradientNoise, GradientHardClipping) warns, when built, a
    ``DeprecationWarning`` ``chainer.optimizer.<Hook> is deprecated from v4.
    Use chainer.optimizer_hooks.<Hook> instead.``, is an instance of
    ``optimizer_hooks.<Hook>``, and updates bit for bit as that hook."""
    scenario, on_optimizer, rule_paths = case
    if name == 'GradientClipping':
        on_optimizer, rule_paths = True, ()     # an optimizer-wide hook
    args = DEPRECATED_HOOKS[name]
    built_hooks = []

    def maker(module):
        def make(where, built):
            extra = (NoiseLog([], built),) if name == 'GradientNoise' else ()
            with harness.issued_warnings() as caught:
                hook = getattr(module, name)(*args, *extra)
            built_hooks.append((hook, [(w.category.__name__, str(w.message)) for w in caught]))
            return hook
        return make
    old = play_placed_hooks(ns, scenario, on_optimizer, rule_paths, maker(ns.optimizer))
    new = play_placed_hooks(ns, scenario, on_optimizer, rule_paths, maker(ns.optimizer_hooks))
    message = (f'chainer.optimizer.{name} is deprecated from v4. '
               f'Use chainer.optimizer_hooks.{name} instead.')
    count = len(built_hooks) // 2
    for hook, warned in built_hooks[:count]:
        assert [w for w in warned if w[0] == 'DeprecationWarning'] == [
            ('DeprecationWarning', message)], f'optimizer.{name}{args} warned {warned}'
        assert isinstance(hook, getattr(ns.optimizer_hooks, name)), (
            f'optimizer.{name} is not an optimizer_hooks.{name}: {type(hook).__mro__}')
    for hook, warned in built_hooks[count:]:
        assert not [w for w in warned if w[0] == 'DeprecationWarning'], (
            f'optimizer_hooks.{name}{args} warned {warned}')
    for k, ((_, a), (_, b)) in enumerate(zip(old, new), start=1):
        for path in scenario.init:
            diff.assert_same(runner.param_view(a, path), runner.param_view(b, path),
                             f'{path} after update {k} under optimizer.{name} vs. '
                             f'optimizer_hooks.{name}')
