"""Differential tests: the reference optimizer stack against live Chainer 7.8.1.

Each runner builds one scenario through an implementation namespace
(``chainer`` or ``reference``) and returns a plain trace; ``same`` runs it on
both and asserts the traces are equal.  Arrays enter traces as (dtype, bytes),
so "equal" means bit-identical.  No expected value is written by hand.
"""
import warnings

import numpy
import pytest

from conformance.chainer_compat import import_chainer
from tests.reference.both import IMPLEMENTATIONS, outcome, same  # noqa: F401

chainer = import_chainer()
import chainer.serializers  # noqa: E402

import reference  # noqa: E402
from reference import serializer as reference_serializer  # noqa: E402

DTYPES = (numpy.float16, numpy.float32, numpy.float64)


def plain(value):
    """Arrays as (dtype, raw bytes): comparing them compares every bit."""
    if isinstance(value, (numpy.ndarray, numpy.generic)):
        value = numpy.asarray(value)
        return str(value.dtype), value.shape, value.tobytes()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    return value


# -- scenario building blocks ----------------------------------------------------

def make_model(ns, dtype=numpy.float32, seed=0):
    """Chain(l1=Link(W (3,2), b (3,)), l2=Link(W (1,3), b (1,))) with fixed arrays."""
    rs = numpy.random.RandomState(seed)

    def layer(out_size, in_size):
        link = ns.Link()
        with link.init_scope():
            link.W = ns.Parameter(rs.standard_normal((out_size, in_size)).astype(dtype))
            link.b = ns.Parameter(rs.standard_normal(out_size).astype(dtype))
        return link

    return ns.Chain(l1=layer(3, 2), l2=layer(1, 3))


def set_grads(model, rs, dtype, scale=1.0):
    for param in model.params():
        param.grad = (scale * rs.standard_normal(param.shape)).astype(dtype)


def snapshot(model):
    """Params, rule t and state of every param, in namedparams order."""
    trace = []
    for name, param in model.namedparams():
        rule = param.update_rule
        state = None if rule is None or rule.state is None else dict(rule.state)
        trace.append((name, plain(param.array), plain(param.grad),
                      None if rule is None else rule.t, plain(state)))
    return trace


def trajectory(ns, optimizer, kwargs, dtype, steps=25, hooks=(), fp32=False,
               disabled=(), grad_scale=1.0):
    """Set seeded grads and ``update()`` repeatedly; trace every step."""
    model = make_model(ns, dtype)
    opt = getattr(ns.optimizers, optimizer)(**kwargs)
    if fp32:
        opt.use_fp32_update()
    opt.setup(model)
    for hook_name, hook_args in hooks:
        opt.add_hook(getattr(ns.optimizer_hooks, hook_name)(*hook_args))
    for path in disabled:
        dict(model.namedparams())[path].update_rule.enabled = False
    rs = numpy.random.RandomState(1)
    trace = []
    for _ in range(steps):
        set_grads(model, rs, dtype, grad_scale)
        trace.append(outcome(opt.update))
        trace.append(snapshot(model))
        if trace[-2][0] != 'ok':
            break
    return trace


CONFIGS = [
    ('SGD', {'lr': 0.1}),
    ('MomentumSGD', {'lr': 0.05, 'momentum': 0.8}),
    ('NesterovAG', {}),
    ('AdaGrad', {'lr': 0.05}),
    ('RMSprop', {'eps': 1e-4}),
    ('RMSprop', {'eps': 1e-4, 'eps_inside_sqrt': True, 'alpha': 0.9}),
    ('RMSprop', {}),  # eps=1e-8 underflows in float16: ValueError
    ('AdaDelta', {}),
    ('Adam', {}),
    ('Adam', {'alpha': 0.01, 'amsgrad': True}),
    ('AdamW', {'weight_decay_rate': 0.1, 'eta': 0.5}),
    ('AdaBound', {'alpha': 0.01, 'final_lr': 0.05}),
    ('AMSBound', {}),
    ('AMSGrad', {}),
    ('Adam', {'eps': 1e-50}),  # underflow outside float64: Chainer's AttributeError
    ('CorrectedMomentumSGD', {'lr': 0.05, 'momentum': 0.8}),
    ('MSVAG', {}),
    ('MSVAG', {'lr': 0.01, 'beta': 0.8, 'eta': 0.5, 'weight_decay_rate': 0.1}),
    ('RMSpropGraves', {}),
    ('RMSpropGraves', {'lr': 0.01, 'alpha': 0.9, 'momentum': 0.5, 'eps': 1e-2}),
    ('SMORMS3', {}),
    ('SMORMS3', {'lr': 0.05, 'eps': 1e-8}),
]


@pytest.mark.parametrize('dtype', DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize('optimizer,kwargs', CONFIGS,
                         ids=[f'{o}-{i}' for i, (o, _) in enumerate(CONFIGS)])
def test_trajectories_are_bit_identical(optimizer, kwargs, dtype):
    same(trajectory, optimizer, kwargs, dtype)


@pytest.mark.parametrize('optimizer,kwargs', [
    ('Adam', {'alpha': 0.01}), ('MomentumSGD', {}), ('Adam', {'amsgrad': True})])
def test_fp32_update_of_float16_params(optimizer, kwargs):
    same(trajectory, optimizer, kwargs, numpy.float16, steps=10, fp32=True)


def step_noise(xp, shape, dtype, hook, rule):
    """Deterministic noise that shows which ``eta`` and which rule's ``t`` the hook passes."""
    return xp.full(shape, hook.eta / rule.t, dtype)


HOOKS = [
    (('WeightDecay', (0.01,)),),
    (('Lasso', (0.001,)),),
    (('GradientClipping', (1.0,)),),
    (('GradientClipping', (100.0,)),),  # rate >= 1: grads unchanged
    (('GradientHardClipping', (-0.5, 0.5)),),
    (('WeightDecay', (0.1,)), ('GradientClipping', (2.0,)), ('Lasso', (0.01,))),
    (('GradientLARS', ()),),
    (('GradientLARS', (1.5, 0.1, 1e-3)),),  # some params' norms are under the threshold
    (('GradientNoise', (0.3, step_noise)),),
]


@pytest.mark.parametrize('dtype', (numpy.float16, numpy.float32), ids=lambda d: d.__name__)
@pytest.mark.parametrize('hooks', HOOKS, ids=lambda h: '+'.join(n for n, _ in h))
def test_hooks_change_grads_of_disabled_params_too(hooks, dtype):
    same(trajectory, 'MomentumSGD', {'lr': 0.1}, dtype, steps=6, hooks=hooks,
         disabled=('/l2/b',))


# -- the autograd path: update(lossfun), loss scaling ------------------------------

def autograd_run(ns, optimizer='SGD', steps=6, loss_scale=None, dynamic=False,
                 rule_weight_decay=None, opt_weight_decay=None, poison_step=None):
    rs = numpy.random.RandomState(0)

    class MLP(ns.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l1 = ns.links.Linear(3, 4, initialW=rs.standard_normal((4, 3)))
                self.l2 = ns.links.Linear(None, 2)  # lazily initialized

        def forward(self, x):
            return self.l2(self.l1(x))

    model = MLP()
    lazy_values = rs.standard_normal((2, 4))

    def lazy_init(array):  # a plain callable initializer, deterministic
        array[...] = lazy_values
    model.l2.W.initializer = lazy_init
    x = rs.standard_normal((5, 3)).astype(numpy.float32)
    y = rs.standard_normal((5, 2)).astype(numpy.float32)
    opt = getattr(ns.optimizers, optimizer)().setup(model)
    if loss_scale is not None:
        opt.set_loss_scale(loss_scale)
    if dynamic:
        opt.loss_scaling(interval=2)
    if opt_weight_decay is not None:
        opt.add_hook(ns.optimizer_hooks.WeightDecay(opt_weight_decay))
    if rule_weight_decay is not None:
        model.l1.W.update_rule.add_hook(ns.optimizer_hooks.WeightDecay(rule_weight_decay))
    trace = [model.update_enabled]

    def lossfun(step):
        loss = ns.functions.mean_squared_error(model(x), y)
        if step == poison_step:
            loss = loss * float('inf')
        return loss

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        for step in range(steps):
            opt.update(lossfun, step)
            trace.append((snapshot(model), opt.t, opt._loss_scale,
                          [p._loss_scale for p in model.params()]))
    trace.append(sorted({str(w.message) for w in caught}))
    return trace


@pytest.mark.parametrize('optimizer', ['SGD', 'Adam', 'AdaDelta'])
def test_update_with_lossfun_is_bit_identical(optimizer):
    same(autograd_run, optimizer)


def test_static_loss_scale_unscales_grads_in_the_rule():
    same(autograd_run, 'MomentumSGD', loss_scale=8.0)


def test_dynamic_loss_scale_skips_a_non_finite_step_and_halves():
    trace = same(autograd_run, 'SGD', steps=7, dynamic=True, poison_step=3)
    scales = [entry[2] for entry in trace[1:-1]]
    assert scales[3] == scales[2] / 2  # the poisoned step halved the scale


def test_weight_decay_with_loss_scale_at_optimizer_and_rule_level():
    same(autograd_run, 'SGD', steps=3, loss_scale=8.0, opt_weight_decay=0.5)
    same(autograd_run, 'SGD', steps=3, loss_scale=8.0, rule_weight_decay=0.5)


def grads_of(ns, build):
    """Grads of every leaf after ``build(ns, leaves).backward()``, twice (accumulating)."""
    rs = numpy.random.RandomState(3)
    leaves = [ns.Variable(rs.standard_normal((4, 3)).astype(numpy.float32)) for _ in range(2)]
    trace = []
    for _ in range(2):  # the second backward accumulates into existing grads
        loss = build(ns, leaves)
        loss.backward()
        trace.append((plain(loss.array), loss.grad, [plain(v.grad) for v in leaves]))
    return trace


@pytest.mark.parametrize('build', [
    lambda ns, v: ns.functions.sum(v[0] * v[1] - 2.5 * v[0] + 1.0),
    lambda ns, v: ns.functions.sum(3.0 - v[0] + v[1] * v[0]),
    lambda ns, v: ns.functions.mean_squared_error(v[0], v[1]),
    lambda ns, v: ns.functions.sigmoid_cross_entropy(
        v[0] - v[1], numpy.array([[0, 1, -1]] * 4, numpy.int32)),
    lambda ns, v: ns.functions.sum(
        ns.functions.linear(v[0], v[1], numpy.ones(4, numpy.float32)) * -1.0),
], ids=['arith', 'rsub', 'mse', 'sce', 'linear'])
def test_backward_grads_are_bit_identical(build):
    same(grads_of, build)


# -- update order and hook timing (E4, E6, F2, F4) -----------------------------------

def hook_log(ns, timing_attr='pre'):
    model = make_model(ns)
    opt = ns.optimizers.Adam().setup(model)
    log = []
    W = model.l1.W

    def opt_pre(o):
        log.append(('opt_pre', o.t, W.update_rule.t))

    def opt_post(o):
        log.append(('opt_post', o.t, W.update_rule.t))

    def each(rule, param):
        log.append(('each_pre', param.name, opt.t, None if rule is None else rule.t))
    each.call_for_each_param = True

    def rule_pre(rule, param):
        log.append(('rule_pre', param.name, opt.t, rule.t, sorted(rule.state)))

    def rule_post(rule, param):
        log.append(('rule_post', param.name, opt.t, rule.t))

    def oddly_timed(o):
        log.append(('oddly_timed', o.t))
    oddly_timed.timing = timing_attr

    def rule_oddly_timed(rule, param):
        log.append(('rule_oddly_timed', rule.t))
    rule_oddly_timed.timing = timing_attr

    def lossfun():
        log.append(('lossfun', numpy.isnan(W.grad).all() if W.grad is not None else None))
        return ns.functions.sum(model.l1.W * 1.0) + ns.functions.sum(model.l1.b)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        opt.add_hook(opt_pre)
        opt.add_hook(opt_post, timing='post')
        opt.add_hook(each, name='each')
        opt.add_hook(oddly_timed)
        W.update_rule.add_hook(rule_pre, timing='pre')
        W.update_rule.add_hook(rule_post, timing='post')
        W.update_rule.add_hook(rule_oddly_timed)
    log.append(('warnings', [w.category.__name__ for w in caught]))
    model.l2.disable_update()
    for _ in range(2):
        opt.update(lossfun)
    log.append(('ts', opt.t, [p.update_rule.t for p in model.params()]))
    return log


@pytest.mark.parametrize('timing_attr', ['pre', 'post', 'bogus'])
def test_update_sequence_and_hook_timing(timing_attr):
    same(hook_log, timing_attr)


def hook_registry_errors(ns):
    model = make_model(ns)
    opt = ns.optimizers.SGD()
    trace = [outcome(opt.add_hook, lambda o: None),
             outcome(opt.setup, object()),
             outcome(lambda: opt.setup(model) is opt)]

    def h(o):
        pass
    trace += [outcome(opt.add_hook, 42, name='x'),
              outcome(opt.add_hook, h, timing='later'),
              outcome(opt.add_hook, h),
              outcome(opt.add_hook, h, timing='post'),
              outcome(opt.remove_hook, 'nope'),
              outcome(opt.remove_hook, 'h'),
              outcome(opt.call_hooks, 'middle')]

    class Nameless:
        def __call__(self, o):
            pass
    trace.append(outcome(opt.add_hook, Nameless()))
    rule = model.l1.W.update_rule
    trace += [outcome(rule.add_hook, h, timing='never'), outcome(rule.add_hook, h),
              outcome(rule.add_hook, h), outcome(rule.remove_hook, 'zzz')]
    opt.add_hook(h)
    opt.setup(model)  # a new hook registry: 'h' can be added again
    trace.append(outcome(opt.add_hook, h))
    return trace


def test_hook_registry_errors():
    same(hook_registry_errors)


# -- hyperparameters, proxies, setup and epochs (E1-E3, E7, E9, F1-F8) --------------

def hyperparameters(ns):
    model = make_model(ns)
    opt = ns.optimizers.MomentumSGD(lr=0.01)
    trace = [model.update_enabled, [p.update_rule for p in model.params()]]
    model.disable_update()  # before setup: nothing to disable
    opt.setup(model)
    W, b = model.l1.W.update_rule, model.l1.b.update_rule
    trace.append((model.update_enabled, W.hyperparam.parent is opt.hyperparam))
    W.hyperparam.lr = 0.5
    opt.lr = 0.2
    trace.append((W.hyperparam.lr, b.hyperparam.lr, opt.lr, W.hyperparam.get_dict(),
                  opt.hyperparam.get_dict(), repr(W.hyperparam)))
    del W.hyperparam.lr
    trace.append((W.hyperparam.lr, outcome(lambda: opt.hyperparam.missing),
                  outcome(lambda: opt.missing)))
    opt.momentum = 0.5
    trace.append((b.hyperparam.momentum, type(opt).lr.__doc__))
    model.l1.disable_update()
    trace.append((model.update_enabled, model.l2.update_enabled))
    model.l2.disable_update()
    trace.append(model.update_enabled)
    model.l1.b.update_rule.enabled = True
    trace.append(model.update_enabled)
    old_rule = W
    opt.setup(model)  # fresh rules, enabled, inheriting again
    trace.append((model.l1.W.update_rule is old_rule, model.update_enabled,
                  model.l1.W.update_rule.hyperparam.lr, opt.t, opt.epoch))
    rule_alone = type(W)()
    trace.append(rule_alone.hyperparam.lr)
    ada = ns.optimizers.AdaDelta()
    ada.lr = 0.5  # not a proxied name: a plain attribute, no effect
    trace.append((ada.lr, 'lr' in ada.hyperparam.get_dict()))
    return trace


def test_hyperparameter_inheritance_and_proxies():
    same(hyperparameters)


def adam_rates(ns):
    opt = ns.optimizers.Adam(alpha=0.01).setup(make_model(ns))
    trace = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        trace.append(outcome(lambda: opt.lr))
        trace.append(outcome(lambda: opt.alpha_t))

        def assign():
            opt.lr = 1.0
        trace.append(outcome(assign)[0])
        set_grads(opt.target, numpy.random.RandomState(0), numpy.float32)
        opt.update()
        trace.append((opt.lr, opt.alpha_t, opt.target.l1.W.update_rule.lr,
                      opt.target.l1.W.update_rule.alpha_t))
    trace.append([w.category.__name__ for w in caught])
    opt.adabound = True  # after setup: the rules never recorded initial_alpha
    trace.append(outcome(opt.update)[0])
    return trace


def test_adam_learning_rate_properties():
    same(adam_rates)


def epochs_and_counters(ns):
    model = make_model(ns)
    opt = ns.optimizers.SGD().setup(model)
    trace = [outcome(opt.new_epoch, auto=True), opt.epoch]
    opt.new_epoch()
    opt.use_auto_new_epoch = True
    trace += [outcome(opt.new_epoch), outcome(opt.new_epoch, auto=True), opt.epoch]
    rs = numpy.random.RandomState(0)
    for step in range(3):
        set_grads(model, rs, numpy.float32)
        model.l1.b.update_rule.enabled = step == 2
        opt.update()
    trace.append((opt.t, model.l1.W.update_rule.t, model.l1.b.update_rule.t))
    return trace


def test_new_epoch_rules_and_two_step_counters():
    same(epochs_and_counters)


def fp32_flag(ns):
    model = make_model(ns, numpy.float16)
    opt = ns.optimizers.SGD().setup(model)
    opt.use_fp32_update()
    opt.use_fp32_update(False)  # not propagated to existing rules (chainer#7732)
    rule = model.l1.W.update_rule
    return [opt._use_fp32_update, rule._use_fp32_update]


def test_use_fp32_update_false_does_not_reach_existing_rules():
    same(fp32_flag)


def cleared_and_missing_grads(ns):
    model = make_model(ns)
    opt = ns.optimizers.Adam().setup(model)
    model.cleargrads()
    model.l1.W.grad = numpy.ones((3, 2), numpy.float32)
    opt.update()  # b's cleared grad becomes zeros and b is "updated"
    trace = [snapshot(model)]
    with model.l1.init_scope():
        model.l1.late = ns.Parameter(numpy.ones(2, numpy.float32))
    seen = []

    def each(rule, param):
        seen.append((param.name, rule is None))
    each.call_for_each_param = True
    opt.add_hook(each)
    opt.update()
    trace += [seen, model.l1.late.update_rule, plain(model.l1.late.array)]
    rule = ns.optimizers.MomentumSGD().create_update_rule()
    bare = ns.Parameter(numpy.zeros(2, numpy.float32))
    rule.update(bare)  # a direct call with grad None
    trace.append((rule.t, plain(rule.state)))
    return trace


def test_cleared_grads_and_params_added_after_setup():
    same(cleared_and_missing_grads)


def uninitialized_params(ns):
    link = ns.Link()
    with link.init_scope():
        link.p = ns.Parameter()
    trace = [outcome(lambda: link.p.grad), link.p.array, str(link.p.dtype)]
    opt = ns.optimizers.SGD().setup(link)
    trace.append(link.p.update_rule is not None)
    link.p.cleargrad()
    opt.update()
    trace.append((link.p.update_rule.t, link.p.update_rule.state))
    link.p.initialize((2,))
    trace.append((plain(link.p.array), plain(link.p.grad)))
    lin = ns.links.Linear(3, 2, initialW=numpy.ones((2, 3), numpy.float32))
    trace.append((plain(lin.W.grad), plain(lin.b.array)))
    return trace


def test_uninitialized_params_get_rules_and_nan_grads():
    same(uninitialized_params)


# -- links ----------------------------------------------------------------------

def link_structure(ns):
    inner = ns.ChainList(make_model(ns), ns.links.Linear(2, 2, nobias=True))
    outer = ns.Chain(z=inner, a=ns.links.Linear(1, 1))
    trace = [
        [name for name, _ in outer.namedparams()],
        [name for name, _ in outer.namedlinks()],
        [name for name, _ in outer.namedlinks(skipself=True)],
        [link.name for link in outer.links(skipself=True)],
        [link.name for link in outer.children()],
        [p.name for p in outer.params()],
        len(list(outer.params(include_uninit=False))),
    ]
    shared = outer.copy()
    trace.append((shared.a.W.array is outer.a.W.array, shared.a.W.grad, shared.name))
    deep = outer.copy(mode='copy')
    trace.append(deep.a.W.array is outer.a.W.array)
    trace.append(outcome(outer.copy, mode='bad'))
    trace.append(outcome(outer.add_link, 'a', ns.Link()))
    trace.append(outcome(outer.add_link, 'q', object()))
    return trace


def test_link_traversal_order_and_copies():
    same(link_structure)


# -- serialization (E8, F6) --------------------------------------------------------

class DictSaver(reference_serializer.Serializer):
    """A minimal dict-writing serializer for the reference side."""

    def __init__(self, target=None, path=''):
        self.target = {} if target is None else target
        self.path = path

    def __getitem__(self, key):
        return DictSaver(self.target, self.path + key.strip('/') + '/')

    def __call__(self, key, value):
        self.target[self.path + key.lstrip('/')] = (
            numpy.asarray(value) if value is not None else numpy.asarray(None))
        return value


class DictLoader(reference_serializer.Deserializer):
    """A minimal dict-reading deserializer with Chainer's strict/non-strict rules."""

    def __init__(self, source, path='', strict=True):
        self.source, self.path, self.strict = source, path, strict

    def __getitem__(self, key):
        return DictLoader(self.source, self.path + key.strip('/') + '/', self.strict)

    def __call__(self, key, value):
        key = self.path + key.lstrip('/')
        if key not in self.source:
            if self.strict:
                raise KeyError(f'{key} is not a file in the archive')
            return value
        data = self.source[key]
        if data.dtype == object:
            return None
        if value is None:
            return data
        if isinstance(value, numpy.ndarray):
            numpy.copyto(value, data)
            return value
        return type(value)(data)


def save(ns, obj):
    if ns is chainer:
        saver = chainer.serializers.DictionarySerializer()
        saver.save(obj)
        return saver.target
    saver = DictSaver()
    saver.save(obj)
    return saver.target


def load(ns, source, obj, strict=True):
    if ns is chainer:
        loader = chainer.serializers.NpzDeserializer(source, strict=strict)
    else:
        loader = DictLoader(source, strict=strict)
    loader.load(obj)


def saved_layout(ns, optimizer, kwargs, steps, disable_b=False, dtype=numpy.float32):
    model = make_model(ns, dtype)
    opt = getattr(ns.optimizers, optimizer)(**kwargs)
    if dtype == numpy.float16:
        opt.use_fp32_update()  # the float32 master copy is not serialized
    opt.setup(model)
    if disable_b:
        model.l1.b.update_rule.enabled = False
    rs = numpy.random.RandomState(0)
    for _ in range(steps):
        set_grads(model, rs, dtype)
        opt.update()
    return sorted((k, plain(v)) for k, v in save(ns, opt).items()), \
        sorted((k, plain(v)) for k, v in save(ns, model).items())


@pytest.mark.parametrize('optimizer,kwargs,steps,disable_b,dtype', [
    ('Adam', {'amsgrad': True}, 2, False, numpy.float32),
    ('SGD', {}, 2, True, numpy.float32),
    ('AdaDelta', {}, 0, False, numpy.float32),
    ('RMSprop', {}, 1, True, numpy.float32),
    ('Adam', {}, 2, False, numpy.float16),
    ('MSVAG', {}, 2, False, numpy.float32),  # beta_power is not saved
    ('SMORMS3', {}, 1, True, numpy.float32),
    ('RMSpropGraves', {}, 0, False, numpy.float32),
    ('CorrectedMomentumSGD', {}, 2, False, numpy.float16),
])
def test_serialized_keys_and_values(optimizer, kwargs, steps, disable_b, dtype):
    same(saved_layout, optimizer, kwargs, steps, disable_b, dtype)


def load_into(ns, saved_with, steps, load_kwargs, strict=True, disable=False):
    """Save after ``steps`` updates, load into a fresh optimizer; trace the states."""
    source_model = make_model(ns)
    source = getattr(ns.optimizers, saved_with[0])(**saved_with[1]).setup(source_model)
    rs = numpy.random.RandomState(0)
    for _ in range(steps):
        set_grads(source_model, rs, numpy.float32)
        source.update()
    saved = save(ns, source)
    model = make_model(ns)
    target = getattr(ns.optimizers, load_kwargs[0])(**load_kwargs[1]).setup(model)
    if disable:
        model.disable_update()
    result = outcome(load, ns, saved, target, strict)
    return result[0], target.t, snapshot(model)


@pytest.mark.parametrize('saved_with,steps,load_with,strict,disable', [
    (('Adam', {}), 2, ('Adam', {}), True, False),
    (('Adam', {}), 0, ('Adam', {}), True, False),   # chainer#5501: KeyError
    (('Adam', {}), 0, ('Adam', {}), False, False),
    (('Adam', {}), 0, ('Adam', {}), True, True),    # disabled: state stays None
    (('Adam', {}), 2, ('Adam', {'amsgrad': True}), False, False),  # whole state dropped
    (('Adam', {}), 2, ('Adam', {'amsgrad': True}), True, False),
    (('Adam', {'amsgrad': True}), 2, ('Adam', {}), True, False),   # extra keys ignored
    (('MomentumSGD', {}), 3, ('MomentumSGD', {}), True, False),
])
def test_loading_optimizer_state(saved_with, steps, load_with, strict, disable):
    same(load_into, saved_with, steps, load_with, strict, disable)


def load_existing_state_in_place(ns):
    model = make_model(ns)
    opt = ns.optimizers.MomentumSGD().setup(model)
    set_grads(model, numpy.random.RandomState(0), numpy.float32)
    opt.update()
    saved = save(ns, opt)
    v = model.l1.W.update_rule.state['v']
    load(ns, saved, opt)
    return model.l1.W.update_rule.state['v'] is v


def test_loading_into_existing_state_keeps_the_arrays():
    assert same(load_existing_state_in_place) is True


def link_round_trip(ns):
    lin = ns.links.Linear(None, 2)
    source = ns.links.Linear(3, 2, initialW=numpy.arange(6.).reshape(2, 3))
    saved = save(ns, source)
    load(ns, saved, lin)  # the uninitialized W takes the saved shape
    return plain(lin.W.array), plain(lin.b.array), sorted(saved)


def test_link_serialization_initializes_params_from_the_file():
    same(link_round_trip)


def test_device_move_keeps_arrays_on_the_host():
    def run(ns):
        model = make_model(ns)
        model.to_device('@numpy')
        return [type(p.array).__name__ for p in model.params()], str(model.device)
    traces = {name: run(ns) for name, ns in IMPLEMENTATIONS.items()}
    assert traces['reference'][0] == traces['chainer'][0]


def deprecated_hook_aliases(ns):
    """Build each pre-v4 ``optimizer.<Hook>`` alias; trace its warning and its base."""
    trace = []
    for name, args in (('WeightDecay', (0.1,)), ('Lasso', (0.1,)),
                       ('GradientClipping', (1.0,)), ('GradientNoise', (0.1,)),
                       ('GradientHardClipping', (-1.0, 1.0))):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            hook = getattr(ns.optimizer, name)(*args)
        trace.append((name, [(w.category.__name__, str(w.message)) for w in caught],
                      isinstance(hook, getattr(ns.optimizer_hooks, name)), hook.name,
                      hook.timing, vars(hook) if name != 'GradientNoise' else hook.eta))
    return trace


def test_deprecated_hook_aliases_warn_and_are_the_hooks():
    same(deprecated_hook_aliases)


def msvag_resume(ns):
    """MSVAG's bias correction restarts after a load: ``beta_power`` is not state."""
    model = make_model(ns)
    opt = ns.optimizers.MSVAG().setup(model)
    rs = numpy.random.RandomState(0)
    for _ in range(3):
        set_grads(model, rs, numpy.float32)
        opt.update()
    saved = save(ns, opt), save(ns, model)
    resumed_model = make_model(ns)
    resumed = ns.optimizers.MSVAG().setup(resumed_model)
    load(ns, saved[1], resumed_model)
    load(ns, saved[0], resumed)
    for m in (model, resumed_model):
        set_grads(m, numpy.random.RandomState(5), numpy.float32)
    opt.update()
    resumed.update()
    return snapshot(model), snapshot(resumed_model), \
        [p.update_rule.beta_power for p in resumed_model.params()]


def test_msvag_resume_restarts_its_bias_correction():
    same(msvag_resume)
