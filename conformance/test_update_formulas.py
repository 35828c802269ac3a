"""update-formulas: every built-in update rule computes Chainer's formula.

Parameters and states after each ``update()`` are compared with the float64
models in ``conformance/models/update_rules.py`` within the bounds of
``tolerances.py``.
"""
import warnings

import numpy
import pytest
from hypothesis import given, strategies as st

from conformance import harness, devices, script_checks, tolerances
from conformance.diff import bitwise_difference
from conformance.models import update_rules
from conformance.runners import optim as runner
from conformance.spec import rule
from conformance.strategies import optim as strategies

FAMILY = 'update-formulas'
SMALL_TREES = strategies.link_trees(max_params=2, max_links=2)


def check_against_model(scenario, trace):
    """Assert params and states of every step are within the model's bounds."""
    hyper = scenario.effective_hyper()
    for path, p0 in scenario.init.items():
        grads = [step.get(path) for step in scenario.grads]
        steps = update_rules.trajectory(scenario.optimizer, hyper, p0, grads)
        if scenario.fp32:
            bounds = tolerances.fp32_update_bounds(p0, steps)
        else:
            bounds = tolerances.trajectory_bounds(scenario.dtype, p0, steps)
        for k, (model, (param_bound, state_bounds), snap) in enumerate(
                zip(steps, bounds, trace.steps), start=1):
            where = f'{scenario.optimizer} {hyper} param {path}, after update {k}'
            actual = snap.params[path]
            assert tolerances.within(actual, model.param, param_bound).all(), (
                f'{where}: parameter differs from the formula: '
                f'{tolerances.first_miss(actual, model.param, param_bound)}')
            state = snap.states[path]
            assert state is not None and sorted(state) == sorted(model.state), (
                f'{where}: state keys {None if state is None else sorted(state)}, '
                f'expected {sorted(model.state)}')
            for key, expected in model.state.items():
                assert tolerances.within(state[key], expected, state_bounds[key]).all(), (
                    f'{where}: state {key!r} differs from the formula: '
                    f'{tolerances.first_miss(state[key], expected, state_bounds[key])}')


@rule(FAMILY, source='chainer/optimizers/*.py:update_core_cpu@v7.8.1 (SEMANTICS G1-G7, E7)',
      script=script_checks.check_formulas_and_final_dtypes)
@pytest.mark.parametrize('optimizer', strategies.OPTIMIZERS)
@given(data=st.data())
def test_every_rule_follows_its_closed_form_formula(out_dir, ns, optimizer, data):
    """Each update applies the rule's formula in the parameter's dtype, with
    t = the rule's update count, state starting at zeros and a cleared gradient
    counting as zeros.  Under ``use_fp32_update()`` a float16 parameter is
    updated through a float32 copy with float32 state, then rounded back."""
    scenario = data.draw(strategies.update_scenarios(
        optimizers=(optimizer,), trees=SMALL_TREES, max_steps=6, fp32=True))
    trace = runner.run_updates(ns, scenario)
    state_dtype = 'float32' if scenario.fp32 else scenario.dtype
    snap = trace.final
    for path in scenario.init:
        assert snap.params[path].dtype == scenario.dtype, (
            f'{path}: parameter became {snap.params[path].dtype}, expected {scenario.dtype}')
        dtypes = {k: v.dtype.name for k, v in snap.states[path].items()}
        expected_dtype = update_rules.state_dtype(
            optimizer, scenario.init[path].shape, state_dtype)
        assert set(dtypes.values()) <= {expected_dtype}, (
            f'{path}: state dtypes {dtypes}, expected {expected_dtype}'
            f'{" under use_fp32_update" if scenario.fp32 else ""}')
    check_against_model(scenario, trace)


@rule(FAMILY, source='chainer/optimizer.py:UpdateRule.update@v7.8.1 (SEMANTICS E7)',
      script=script_checks.check_formulas)
@pytest.mark.parametrize('optimizer', ('SGD', 'MomentumSGD'))
@given(steps=st.integers(6, 10), lr=st.floats(2.0 ** -13, 2.0 ** -12),
       momentum=st.floats(0.0, 0.5), after_setup=st.booleans())
def test_fp32_update_accumulates_steps_below_float16_resolution(
        out_dir, ns, optimizer, steps, lr, momentum, after_setup):
    """Steps smaller than half a float16 ulp of 1.0 are lost by float16
    arithmetic but accumulate in the float32 master copy, so the float16
    parameter moves by several ulps; ``use_fp32_update()`` after ``setup``
    switches the rules already set up."""
    one = numpy.ones(3, dtype=numpy.float16)
    hyper = {'lr': lr, 'momentum': momentum} if optimizer == 'MomentumSGD' else {'lr': lr}
    scenario = strategies.UpdateScenario(
        tree=strategies.single_param_tree((3,)), dtype='float16', optimizer=optimizer,
        hyper=hyper, init={'/p': one}, grads=[{'/p': one}] * steps, fp32=True,
        fp32_after_setup=after_setup)
    check_against_model(scenario, runner.run_updates(ns, scenario))


@rule(FAMILY, source='chainer/optimizer.py:GradientMethod.update, UpdateRule._init_states@v7.8.1 (SEMANTICS E5, F5)')
@given(scenario=strategies.update_scenarios(trees=SMALL_TREES, max_steps=3))
def test_cleared_grads_become_zeros_and_state_starts_at_first_update(out_dir, ns, scenario):
    """``setup`` leaves t = 0 and no state; every update reallocates a cleared
    gradient as zeros of the parameter's shape and dtype, still counts in the
    rule's t, and the first one creates the rule's state keys in the
    parameter's dtype."""
    trace = runner.run_updates(ns, scenario)
    assert trace.setup.rule_t == dict.fromkeys(scenario.init, 0), (
        f'rule t after setup: {trace.setup.rule_t}, expected all 0')
    assert trace.setup.states == dict.fromkeys(scenario.init), (
        f'rule states after setup: {trace.setup.states}, expected all None')
    keys = update_rules.state_keys(scenario.optimizer, scenario.effective_hyper())
    for k, (grads, snap) in enumerate(zip(scenario.grads, trace.steps), start=1):
        assert snap.rule_t == dict.fromkeys(scenario.init, k), (
            f'rule t after update {k}: {snap.rule_t}, expected all {k}')
        assert snap.optimizer_t == k, f'optimizer.t after update {k}: {snap.optimizer_t}'
        for path, g in grads.items():
            actual = snap.grads[path]
            expected = numpy.zeros_like(scenario.init[path]) if g is None else g
            assert actual is not None and actual.dtype == expected.dtype and numpy.array_equal(
                actual, expected), (
                f'{path} grad after update {k}: {actual!r}, expected {expected!r} '
                f'(set {"by cleargrad()" if g is None else "by hand"})')
            state = snap.states[path]
            layout = {key: (v.shape, v.dtype.name) for key, v in (state or {}).items()}
            shape = scenario.init[path].shape
            expected_layout = {key: (shape, update_rules.state_dtype(
                scenario.optimizer, shape, scenario.dtype)) for key in keys}
            assert layout == expected_layout, (
                f'{path} state after update {k}: {layout}, expected {expected_layout}')


@rule(FAMILY, source='chainer/optimizer.py:Optimizer.setup, GradientMethod.update@v7.8.1; '
      'chainer/variable.py:Parameter.update@v7.8.1 (SEMANTICS F7)')
@given(scenario=strategies.update_scenarios(trees=SMALL_TREES, max_steps=3))
def test_a_parameter_added_after_setup_gets_no_rule_and_is_left_alone(out_dir, ns, scenario):
    """``setup`` gives a rule to the parameters the link has then; a
    parameter added later has none, so ``update()`` (which calls every
    parameter's ``update()``) leaves its value and gradient alone and gives
    it no rule, and the other parameters update exactly as without it."""
    dtype = numpy.dtype(scenario.dtype)
    value = numpy.array([0.5, -2.0], dtype=dtype)
    grad = numpy.array([1.0, 0.25], dtype=dtype)
    trace, late = runner.run_updates_with_a_late_parameter(ns, scenario, value, grad)
    alone = runner.run_updates(ns, scenario)
    for k, (got, want) in enumerate(zip(trace.steps, alone.steps), start=1):
        for path in scenario.init:
            difference = bitwise_difference(runner.param_view(got, path),
                                            runner.param_view(want, path), path)
            assert difference is None, (
                f'{scenario.optimizer}: after update {k} with a parameter added to the root '
                f'after setup, the others differ from a run without it: {difference}')
    for k, (array, seen_grad, no_rule) in enumerate(late, start=1):
        difference = bitwise_difference({'value': array, 'grad': seen_grad},
                                        {'value': value, 'grad': grad}, 'late')
        assert no_rule and difference is None, (
            f'{scenario.optimizer}: after update {k}, the parameter added after setup '
            f'{"has no rule" if no_rule else "has an update rule"}'
            f'{"" if difference is None else "; " + difference}: expected no rule, its '
            'value and gradient untouched')


@rule(FAMILY, level='quirk',
      source='chainer/optimizers/adam.py:AdamRule._check_eps, '
             'chainer/optimizers/rmsprop.py:RMSpropRule.update_core_cpu@v7.8.1 (SEMANTICS G5, G7)')
@pytest.mark.parametrize('optimizer', ('Adam', 'RMSprop'))
@given(data=st.data())
def test_an_eps_that_rounds_to_zero_is_rejected_before_the_step(out_dir, ns, optimizer, data):
    """Adam computes in float32 for a float16 parameter, else in the
    parameter's dtype; RMSprop in the gradient's dtype.  A nonzero eps that
    rounds to zero there is rejected before the step changes anything (the
    rule has counted it and made its zero state): RMSprop raises ValueError
    ``eps of RMSprop optimizer is too small for <dtype> (<eps>)``; Adam means
    to raise a similar ValueError but formats ``.name`` of a scalar type and
    raises AttributeError.  Any other eps, zero included, is accepted."""
    scenario = data.draw(strategies.eps_scenarios(optimizer), label='scenario')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', RuntimeWarning)     # eps = 0 may divide by zero
        raised, snap = runner.run_first_update_catching(ns, scenario)
    eps, dtype = scenario.hyper['eps'], numpy.dtype(scenario.dtype)
    computes_in = numpy.dtype('float32') if (
        scenario.optimizer == 'Adam' and dtype == numpy.float16) else dtype
    where = f'{scenario.optimizer}(eps={eps!r}) on a {dtype} parameter'
    if eps == 0 or computes_in.type(eps) != 0:
        assert raised is None, f'{where}: raised {raised}, expected no error'
        return
    expected = (('AttributeError',) if scenario.optimizer == 'Adam' else
                ('ValueError', (f'eps of RMSprop optimizer is too small for {dtype} ({eps})',)))
    assert raised is not None and raised[:len(expected)] == expected, (
        f'{where}: raised {raised}, expected {expected}')
    value = scenario.init['/p']
    keys = update_rules.state_keys(scenario.optimizer, scenario.effective_hyper())
    diff = bitwise_difference(runner.param_view(snap, '/p'), {
        'param': value, 'grad': scenario.grads[0]['/p'], 't': 1,
        'state': {key: numpy.zeros_like(value) for key in keys}}, where)
    assert diff is None, f'after the rejected update: {diff}'


@rule(FAMILY, source='chainer/optimizer.py:GradientMethod.update@v7.8.1 (SEMANTICS E4)')
@pytest.mark.parametrize('lr', (0.5, 0.125))
@given(data=st.data())
def test_update_with_lossfun_runs_it_before_clearing_grads(out_dir, ns, lr, data):
    """``update(lossfun, *args, **kwds)`` calls ``lossfun(*args, **kwds)`` while
    the previous gradients are still there, then clears them and backpropagates,
    so the update uses this loss's gradient alone."""
    steps = data.draw(st.integers(1, 3))
    p0 = data.draw(strategies.arrays((3,), 'float32', 0.25, 4.0))
    g0 = data.draw(strategies.arrays((3,), 'float32', 0.25, 4.0))
    built = runner.Built(ns, strategies.single_param_tree((3,)), {'/p': p0})
    param = built.params['/p']
    optimizer = ns.optimizers.SGD(lr=lr)
    optimizer.setup(built.root)
    param.grad = g0.copy()
    seen = []

    def lossfun(*args, **kwds):
        seen.append((runner.grad_of(param), args, kwds))
        return ns.functions.sum(param)

    for k in range(steps):
        optimizer.update(lossfun, k, scale=2 * k)
    # d sum(p)/dp = 1 exactly and lr * 1 is exact, so SGD's step is p - lr
    # rounded once to float32, as computed here.
    expected_seen = [g0] + [numpy.ones(3, numpy.float32)] * (steps - 1)
    assert len(seen) == steps, f'{steps} update(lossfun) called lossfun {len(seen)} times'
    for k, ((grad, args, kwds), expected) in enumerate(zip(seen, expected_seen)):
        assert grad is not None and numpy.array_equal(grad, expected), (
            f'lossfun call {k + 1} saw grad {grad!r}, expected {expected!r}: the '
            f'forward pass runs before the gradients are cleared')
        assert args == (k,) and kwds == {'scale': 2 * k}, (
            f'lossfun call {k + 1} got {args}, {kwds}; expected ({k},), {{"scale": {2 * k}}}')
    expected = p0.copy()
    for _ in range(steps):
        expected -= numpy.float32(lr)
    actual = devices.to_host(param.array)
    assert numpy.array_equal(actual, expected), (
        f'after {steps} update(lossfun): {actual!r}, expected {expected!r} '
        f'(each step uses the fresh gradient 1, not one accumulated onto the old)')


def user_gradient_method(ns, rule_class):
    """A user-written ``GradientMethod(lr)`` whose params get ``rule_class``
    rules reading the optimizer's hyperparameters."""
    class UserGradientMethod(ns.GradientMethod):
        def __init__(self, lr):
            super().__init__()
            self.hyperparam.lr = lr

        def create_update_rule(self):
            return rule_class(self.hyperparam)
    return UserGradientMethod


def custom_gradient_method(ns, calls):
    """A user-written optimizer: its rule implements only the per-device
    methods and logs which one ran, with the rule's lr and the grad seen."""
    class LoggingRule(ns.UpdateRule):
        def update_core_cpu(self, param):
            calls.append(('cpu', self.hyperparam.lr, devices.to_host(param.grad).tolist()))

        def update_core_gpu(self, param):
            calls.append(('gpu', self.hyperparam.lr, devices.to_host(param.grad).tolist()))
    return user_gradient_method(ns, LoggingRule)


@rule(FAMILY, source='chainer/optimizer.py:UpdateRule.update_core@v7.8.1')
@given(lr=st.floats(0.0625, 1.0), grads=st.lists(st.lists(st.integers(-4, 4), min_size=2,
                                                             max_size=2), min_size=1, max_size=3))
def test_a_rule_with_only_per_device_methods_runs_the_one_for_the_params_device(
        out_dir, ns, lr, grads):
    """``UpdateRule.update_core`` dispatches on the parameter's device:
    ``update_core_cpu`` for a NumPy array, ``update_core_gpu`` for a CuPy one;
    a user's rule that implements only those two works, once per update,
    reading the optimizer's hyperparameters through its parent."""
    calls = []
    built = runner.Built(ns, strategies.single_param_tree((2,)),
                         {'/p': numpy.zeros(2, numpy.float32)})
    optimizer = custom_gradient_method(ns, calls)(lr)
    optimizer.setup(built.root)
    for grad in grads:
        built.params['/p'].grad = devices.current().array(numpy.array(grad, numpy.float32))
        optimizer.update()
    kind = devices.current().kind
    expected = [(kind, lr, [float(g) for g in grad]) for grad in grads]
    assert calls == expected, f'rule calls {calls}, expected {expected}'


def gradient_sum_method(ns):
    """A user-written optimizer whose rule sizes its state from the gradient
    (``init_state`` reads ``param.grad``) and steps by the running sum of
    the gradients."""
    class GradientSumRule(ns.UpdateRule):
        def init_state(self, param):
            xp = ns.backend.get_array_module(param.grad)
            self.state['sum'] = xp.zeros(param.grad.shape, param.grad.dtype)

        def update_core(self, param):
            self.state['sum'] += param.grad
            param.array -= self.hyperparam.lr * self.state['sum']
    return user_gradient_method(ns, GradientSumRule)


@rule(FAMILY, source='chainer/optimizer.py:UpdateRule.serialize@v7.8.1 (SEMANTICS F6)')
@given(steps=st.integers(1, 3), data=st.data())
def test_a_rule_whose_state_is_shaped_by_the_gradient_loads_before_its_first_update(
        out_dir, ns, steps, data):
    """Loading into a rule that has no state yet finds the state's keys by
    calling ``init_state`` on a probe variable that has a gradient too, so a
    user's rule whose ``init_state`` reads ``param.grad`` loads its saved
    state and ``t`` and goes on as the rule it was saved from."""
    p0 = data.draw(strategies.arrays((3,), 'float32', 0.25, 4.0), label='p0')
    grads = data.draw(st.lists(strategies.arrays((3,), 'float32', 0.25, 4.0),
                               min_size=steps + 1, max_size=steps + 1), label='grads')
    runs = []
    for _ in range(2):
        built = runner.Built(ns, strategies.single_param_tree((3,)), {'/p': p0})
        optimizer = gradient_sum_method(ns)(0.25)
        optimizer.setup(built.root)
        runs.append((built, optimizer))
    (saved, saved_opt), (loaded, loaded_opt) = runs
    for grad in grads[:steps]:
        runner.set_grads(saved, {'/p': grad})
        saved_opt.update()
    serializer = ns.serializers.DictionarySerializer()
    serializer.save(saved_opt)
    saved_copy = {key: devices.to_host(value) for key, value in serializer.target.items()}
    ns.serializers.NpzDeserializer(saved_copy).load(loaded_opt)
    loaded.params['/p'].array[...] = saved.params['/p'].array

    def view(built, optimizer):
        seen = runner.param_view(runner.snapshot(built, optimizer), '/p')
        return {key: seen[key] for key in ('param', 't', 'state')}
    for when in ('after loading', 'after the next update'):
        if when != 'after loading':
            for built, optimizer in runs:
                runner.set_grads(built, {'/p': grads[steps]})
                optimizer.update()
        diff = bitwise_difference(view(loaded, loaded_opt), view(saved, saved_opt),
                                  f'loaded rule {when} (saved after {steps} updates)')
        assert diff is None, diff


@rule(FAMILY, level='quirk', source='chainer/optimizer.py:GradientMethod.use_cleargrads@v7.8.1')
@given(use=st.sampled_from((True, False, None)), steps=st.integers(1, 3))
def test_use_cleargrads_warns_and_false_zeroes_grads_through_zerograds(out_dir, ns, use, steps):
    """``use_cleargrads(use)`` is deprecated (a ``DeprecationWarning``); with
    ``use=False`` each ``update(lossfun)`` zeroes the grads with the deprecated
    ``Link.zerograds`` (which warns, and so does each ``Variable.zerograd``)
    instead of clearing them, with the same resulting step."""
    built = runner.Built(ns, strategies.single_param_tree((2,)),
                         {'/p': numpy.ones(2, numpy.float32)})
    param = built.params['/p']
    optimizer = ns.optimizers.SGD(lr=0.5)
    optimizer.setup(built.root)
    with harness.issued_warnings() as caught:
        if use is None:
            optimizer.use_cleargrads()      # the default is True
        else:
            optimizer.use_cleargrads(use)
        for _ in range(steps):
            optimizer.update(lambda: ns.functions.sum(param))
    warned = [(w.category.__name__, str(w.message)) for w in caught
              if issubclass(w.category, DeprecationWarning)]
    zeroing = [('DeprecationWarning', 'Link.zerograds is deprecated. Use Link.cleargrads instead.'),
               ('DeprecationWarning', 'Variable.zerograd is deprecated. Use Variable.cleargrad '
                                      'instead.')]   # once per parameter
    expected = [('DeprecationWarning', 'GradientMethod.use_cleargrads is deprecated.')]
    expected += [] if use in (True, None) else zeroing * steps
    assert warned == expected, f'use_cleargrads({use}), {steps} updates: warned {warned}'
    # d sum(p)/dp = 1, so each step subtracts 0.5 exactly.
    value = devices.to_host(param.array)
    assert value.tolist() == [1.0 - 0.5 * steps] * 2, value


class _Half:
    """An initializer that only gives a float16 dtype (the array comes later)."""
    dtype = numpy.float16

    def __call__(self, array):
        array[...] = 1


@rule(FAMILY, level='quirk', source='chainer/optimizer.py:UpdateRule.update@v7.8.1')
@given(name=st.sampled_from(('W', 'b', 'weight')), initialized=st.booleans(),
       steps=st.integers(1, 3))
def test_fp32_update_gives_hooks_a_float32_master_named_like_the_param(
        out_dir, ns, name, initialized, steps):
    """Under ``use_fp32_update`` a float16 parameter's rule hooks (and
    ``update_core``) get the float32 master copy, a separate variable with the
    parameter's name, holding the float32 values.  For a parameter not yet
    initialized the master is an uninitialized float32 parameter, whose grad
    was never cleared: the pre-update hook sees it, then SGD's update raises
    ``RuntimeError``."""
    link = ns.Link()
    with link.init_scope():
        setattr(link, name, ns.Parameter(numpy.ones(2, numpy.float16) if initialized
                                         else _Half()))
    param = getattr(link, name)
    optimizer = ns.optimizers.SGD(lr=0.25)
    optimizer.use_fp32_update()
    optimizer.setup(devices.place(link))
    seen = []

    def hook(rule, master):
        values = None if master.array is None else devices.to_host(master.array).tolist()
        seen.append((master.name, numpy.dtype(master.dtype).name, values, master is param))
    param.update_rule.add_hook(hook)
    if initialized:
        for _ in range(steps):
            param.grad = devices.current().array(numpy.ones(2, numpy.float16))
            optimizer.update()
        # SGD(lr=0.25) with grad 1: the master holds 1 - 0.25 k before update k + 1.
        expected = [(name, 'float32', [1.0 - 0.25 * k] * 2, False) for k in range(steps)]
    else:
        param.cleargrad()
        with pytest.raises(RuntimeError):
            optimizer.update()
        expected = [(name, 'float32', None, False)]
    assert seen == expected, f'rule hooks saw {seen}, expected {expected}'
