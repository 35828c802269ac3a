"""Chainer's update rules and optimizer hooks, as closed-form float64 models.

Each rule model is one step of the formula in SEMANTICS.md G, written with
NumPy in float64 on the values the implementation starts from (the arrays of
the parameter's dtype, converted exactly).  Besides the new parameter and
state it returns a *scale*: an elementwise bound on the magnitude of the terms
the step is computed from (the formula evaluated on absolute values).  The
rounding error of a finite-precision step is proportional to that scale, not
to the step itself, which may be small through cancellation; see
``tolerances.py`` for how the scale becomes a tolerance.

The procedural models (``trajectory``, ``enabled_masks``, ``call_log``,
``sgd_update_with_hooks``) follow ``GradientMethod.update`` (E4),
``UpdateRule.update`` (F2) and ``Link.disable_update`` (F8).
"""
import dataclasses
import math

import numpy

# Chainer's documented constructor defaults, and so the names each optimizer
# proxies (chainer/optimizers/*.py:__init__@v7.8.1, SEMANTICS E3).
DEFAULTS = {
    'SGD': {'lr': 0.01},
    'MomentumSGD': {'lr': 0.01, 'momentum': 0.9},
    'NesterovAG': {'lr': 0.01, 'momentum': 0.9},
    'AdaGrad': {'lr': 0.001, 'eps': 1e-8},
    'RMSprop': {'lr': 0.01, 'alpha': 0.99, 'eps': 1e-8,
                'eps_inside_sqrt': False},
    'AdaDelta': {'rho': 0.95, 'eps': 1e-6},
    'Adam': {'alpha': 0.001, 'beta1': 0.9, 'beta2': 0.999, 'eps': 1e-8,
             'eta': 1.0, 'weight_decay_rate': 0, 'amsgrad': False,
             'adabound': False, 'final_lr': 0.1, 'gamma': 1e-3},
    'CorrectedMomentumSGD': {'lr': 0.01, 'momentum': 0.9},
    'MSVAG': {'lr': 0.1, 'beta': 0.9, 'eta': 1.0, 'weight_decay_rate': 0},
    'RMSpropGraves': {'lr': 1e-4, 'alpha': 0.95, 'momentum': 0.9, 'eps': 1e-4},
    'SMORMS3': {'lr': 0.001, 'eps': 1e-16},
}

# Adam's AdaBound hyperparameters, added in Chainer 6 (chainer#6388): the
# properties of the hyperparameter mechanism neither pass nor compare them
# (``core_defaults``), so an Adam without AdaBound is judged there on the
# mechanism; ``test_adam_holds_adabounds_hyperparameters`` pins them.
ADABOUND = ('adabound', 'final_lr', 'gamma')


def core_defaults(optimizer):
    """``DEFAULTS[optimizer]`` without AdaBound's names."""
    return without_adabound(DEFAULTS[optimizer])


def without_adabound(values):
    """``values`` (a dict keyed by hyperparameter name) less AdaBound's names."""
    return {name: value for name, value in values.items() if name not in ADABOUND}


# Adam's presets: the flags each one fixes, and its constructor's arguments
# in order (chainer/optimizers/adam.py@v7.8.1).
ADAM_PRESETS = {
    'AdamW': ({}, ('alpha', 'beta1', 'beta2', 'eps', 'eta', 'weight_decay_rate')),
    'AMSGrad': ({'amsgrad': True}, ('alpha', 'beta1', 'beta2', 'eps', 'eta')),
    'AdaBound': ({'adabound': True},
                 ('alpha', 'beta1', 'beta2', 'final_lr', 'gamma', 'eps', 'eta')),
    'AMSBound': ({'amsgrad': True, 'adabound': True},
                 ('alpha', 'beta1', 'beta2', 'final_lr', 'gamma', 'eps', 'eta')),
}

# State keys each rule creates at its first enabled update (SEMANTICS E8).
STATE_KEYS = {
    'SGD': (), 'MomentumSGD': ('v',), 'NesterovAG': ('v',), 'AdaGrad': ('h',),
    'RMSprop': ('ms',), 'AdaDelta': ('msg', 'msdx'), 'Adam': ('m', 'v'),
    'CorrectedMomentumSGD': ('v',), 'MSVAG': ('m', 'v'),
    'RMSpropGraves': ('n', 'g', 'delta'), 'SMORMS3': ('mem', 'g', 'g2'),
}

# State entries that do not start at zeros: SMORMS3's memory length starts
# at one (chainer/optimizers/smorms3.py:SMORMS3Rule.init_state@v7.8.1).
STATE_START = {('SMORMS3', 'mem'): 1.0}


def state_keys(optimizer, hyper):
    keys = STATE_KEYS[optimizer]
    if optimizer == 'Adam' and hyper['amsgrad']:
        keys += ('vhat',)
    return keys


@dataclasses.dataclass
class RuleStep:
    """One rule step: new parameter and state, and the magnitudes of the terms
    they were computed from (the bounds tolerances.py scales)."""
    param: numpy.ndarray
    state: dict
    scale: numpy.ndarray        # |terms| of the parameter's step
    state_scale: dict = None    # |terms| of each new state entry
    # (sensitivity, limit): an error term of the step that rounding makes
    # ``sensitivity`` times the unit roundoff, but that can never exceed
    # ``limit`` (a factor clipped into [0, 1]); see tolerances.py.
    clipped: tuple = None


def sgd(hp, t, p, g, state):
    step = hp['lr'] * g
    return RuleStep(p - step, state, abs(step), {})


def momentum_sgd(hp, t, p, g, state):
    terms = abs(hp['momentum'] * state['v']) + abs(hp['lr'] * g)
    v = hp['momentum'] * state['v'] - hp['lr'] * g
    return RuleStep(p + v, {'v': v}, terms, {'v': terms})


def nesterov_ag(hp, t, p, g, state):
    mu, lr = hp['momentum'], hp['lr']
    v_terms = abs(mu * state['v']) + abs(lr * g)
    v = mu * state['v'] - lr * g
    terms = mu * mu * v, (1 + mu) * lr * g
    return RuleStep(p + terms[0] - terms[1], {'v': v},
                mu * mu * v_terms + abs(terms[1]), {'v': v_terms})


def ada_grad(hp, t, p, g, state):
    h = state['h'] + g * g
    step = hp['lr'] * g / (numpy.sqrt(h) + hp['eps'])
    return RuleStep(p - step, {'h': h}, abs(step), {'h': h})


def rmsprop(hp, t, p, g, state):
    ms = hp['alpha'] * state['ms'] + (1 - hp['alpha']) * g * g
    if hp['eps_inside_sqrt']:
        denom = numpy.sqrt(ms + hp['eps'])
    else:
        denom = numpy.sqrt(ms) + hp['eps']
    step = hp['lr'] * g / denom
    return RuleStep(p - step, {'ms': ms}, abs(step), {'ms': ms})


def ada_delta(hp, t, p, g, state):
    rho, eps = hp['rho'], hp['eps']
    msg = rho * state['msg'] + (1 - rho) * g * g
    dx = numpy.sqrt((state['msdx'] + eps) / (msg + eps)) * g
    msdx = rho * state['msdx'] + (1 - rho) * dx * dx
    return RuleStep(p - dx, {'msg': msg, 'msdx': msdx}, abs(dx),
                {'msg': msg, 'msdx': msdx})


def adam_alpha_t(hp, t):
    """Bias-corrected step size; ``t`` is the rule's own count (E9)."""
    return hp['alpha'] * math.sqrt(1 - hp['beta2'] ** t) / (1 - hp['beta1'] ** t)


def adam(hp, t, p, g, state):
    m = state['m'] + (1 - hp['beta1']) * (g - state['m'])
    v = state['v'] + (1 - hp['beta2']) * (g * g - state['v'])
    new_state = {'m': m, 'v': v}
    m_terms = numpy.maximum(abs(g), abs(state['m']))
    v_terms = numpy.maximum(g * g, state['v'])
    state_scale = {'m': m_terms, 'v': v_terms}
    vhat = v
    if 'vhat' in state:
        vhat = new_state['vhat'] = numpy.maximum(state['vhat'], v)
        state_scale['vhat'] = numpy.maximum(v_terms, state['vhat'])
    step = adam_alpha_t(hp, t) / (numpy.sqrt(vhat) + hp['eps'])
    if hp['adabound']:
        final = hp['final_lr']   # alpha has not changed since setup here
        lower = final * (1 - 1 / (hp['gamma'] * t + 1))
        upper = final * (1 + 1 / (hp['gamma'] * t))
        step = numpy.clip(step, lower, upper)
    decay = hp['eta'] * hp['weight_decay_rate']
    param = (1 - decay) * p - hp['eta'] * step * m
    scale = hp['eta'] * step * (m_terms + abs(m)) + abs(decay * p)
    return RuleStep(param, new_state, scale, state_scale)


def corrected_momentum_sgd(hp, t, p, g, state):
    """``v = momentum * v - g; p += lr * v`` (SEMANTICS G10)."""
    v_terms = abs(hp['momentum'] * state['v']) + abs(g)
    v = hp['momentum'] * state['v'] - g
    return RuleStep(p + hp['lr'] * v, {'v': v}, hp['lr'] * v_terms, {'v': v_terms})


def rmsprop_graves(hp, t, p, g, state):
    """Graves's RMSprop (SEMANTICS G11): ``n`` and ``g`` are running means
    of g^2 and g, and the step divides by ``sqrt(n - g^2 + eps)``.

    ``n - g^2`` cancels (it is a variance, >= 0): its rounding is relative to
    ``n + g^2 + eps``, so the step's scale carries that condition number.
    """
    a, mu = hp['alpha'], hp['momentum']
    n = a * state['n'] + (1 - a) * g * g
    mean = a * state['g'] + (1 - a) * g
    mean_terms = a * abs(state['g']) + (1 - a) * abs(g)
    d = n - mean * mean + hp['eps']
    step = hp['lr'] * g / numpy.sqrt(d)
    step_terms = abs(step) * (1 + (n + mean_terms * mean_terms + hp['eps']) / d)
    delta = mu * state['delta'] - step
    delta_terms = abs(mu * state['delta']) + step_terms
    return RuleStep(p + delta, {'n': n, 'g': mean, 'delta': delta}, delta_terms,
                    {'n': n, 'g': mean_terms, 'delta': delta_terms})


def smorms3(hp, t, p, g, state):
    """Funk's SMORMS3 (SEMANTICS G12): ``r = 1 / (mem + 1)`` weighs the new
    gradient into the means of g and g^2; the step is
    ``g * min(x, lr) / (sqrt(g2) + eps)`` with ``x = g_mean^2 / (g2 + eps)``,
    and ``mem = 1 + mem * (1 - x)``.

    ``x`` may come from a mean that cancels; its rounding is relative to
    ``g_terms^2 / (g2 + eps)`` (<= 1, as g_terms^2 <= g2 by Jensen).
    """
    lr, eps, mem = hp['lr'], hp['eps'], state['mem']
    r = 1 / (mem + 1)
    mean = (1 - r) * state['g'] + r * g
    mean_terms = (1 - r) * abs(state['g']) + r * abs(g)
    g2 = (1 - r) * state['g2'] + r * g * g
    x = mean * mean / (g2 + eps)
    x_terms = x + 3 * mean_terms * mean_terms / (g2 + eps)
    denom = numpy.sqrt(g2) + eps
    step = g * numpy.minimum(x, lr) / denom
    step_terms = abs(g) * numpy.where(x < 2 * lr, x_terms, lr) / denom
    new_mem = 1 + mem * (1 - x)
    return RuleStep(p - step, {'mem': new_mem, 'g': mean, 'g2': g2}, step_terms,
                    {'mem': 1 + mem * (1 + x_terms), 'g': mean_terms, 'g2': g2})


def msvag_beta_power(hp, t):
    """``beta ** t`` as MSVAG's rule computes it: an attribute set to
    ``beta`` when the rule is built and multiplied by ``beta`` after each
    step (chainer/optimizers/msvag.py:MSVAGRule@v7.8.1, SEMANTICS G13)."""
    power = hp['beta']
    for _ in range(t - 1):
        power *= hp['beta']
    return power


def msvag(hp, t, p, g, state, beta_power=None):
    """M-SVAG (SEMANTICS G13): Adam's bias-corrected moments ``mt``, ``vt``;
    ``s = (vt - mt^2) / (1 - rho)``; the step ``lr * mt * factor`` with
    ``factor = clip(mt^2 / (mt^2 + rho * s), 0, 1)``, NaN (0 / 0, where the
    moments are still 0) taken as 0; plus decoupled weight decay, all scaled
    by ``eta``.  ``beta_power`` defaults to ``msvag_beta_power(hp, t)``.

    ``vt - mt^2`` cancels and ``1 / (1 - rho)`` reaches 10**4 at the first
    step (rho is capped at 0.9999), so the factor's rounding error is
    ``sensitivity * u`` (first order in mt^2 and s), never more than 1.
    """
    beta, lr, eta = hp['beta'], hp['lr'], hp['eta']
    power = msvag_beta_power(hp, t) if beta_power is None else beta_power
    rho = (((1.0 - beta) ** 2) * (1.0 - power ** 2) /
           (((1.0 - power) ** 2) * (1.0 - beta ** 2)))
    rho = min(rho, 0.9999)
    m = state['m'] + (1 - beta) * (g - state['m'])
    v = state['v'] + (1 - beta) * (g * g - state['v'])
    m_terms = numpy.maximum(abs(g), abs(state['m']))
    v_terms = numpy.maximum(g * g, state['v'])
    c = 1 - power
    mt, vt = m / c, v / c
    mt_terms, vt_terms = m_terms / c, v_terms / c
    mt2 = mt ** 2
    s = (vt - mt2) / (1 - rho)
    denominator = mt2 + rho * s
    with numpy.errstate(divide='ignore', invalid='ignore'):
        factor = numpy.clip(mt2 / denominator, 0, 1)
        factor = numpy.where(numpy.isnan(factor), 0.0, factor)
        d_mt2 = 2 * abs(mt) * mt_terms + mt2
        d_s = (vt_terms + d_mt2 + abs(vt - mt2)) / (1 - rho)
        sensitivity = numpy.where(
            denominator > 0,
            (rho * abs(s) * d_mt2 + mt2 * rho * d_s) / denominator ** 2 + factor, 0.0)
    decay = hp['weight_decay_rate'] * p
    param = p - eta * (lr * mt * factor + decay)
    # the implementation's factor may be anything in [0, 1] where the
    # model's is not: mt's own rounding is weighed with a factor of 1
    scale = eta * (lr * mt_terms + abs(decay))
    limit = eta * lr * abs(mt)
    return RuleStep(param, {'m': m, 'v': v}, scale, {'m': m_terms, 'v': v_terms},
                    clipped=(limit * sensitivity, limit))


RULES = {
    'SGD': sgd, 'MomentumSGD': momentum_sgd, 'NesterovAG': nesterov_ag,
    'AdaGrad': ada_grad, 'RMSprop': rmsprop, 'AdaDelta': ada_delta,
    'Adam': adam, 'CorrectedMomentumSGD': corrected_momentum_sgd,
    'MSVAG': msvag, 'RMSpropGraves': rmsprop_graves, 'SMORMS3': smorms3,
}


# Optimizer hooks (chainer/optimizer_hooks/*.py:__call__@v7.8.1).  A
# per-parameter hook returns the new gradient and the magnitude of the term it
# added (for tolerances).

def weight_decay(rate, p, g):
    return g + rate * p, abs(rate * p)


def lasso(rate, p, g):
    return g + rate * numpy.sign(p), abs(rate * numpy.sign(p))


def gradient_hard_clipping(lower, upper, p, g):
    return numpy.clip(g, lower, upper), numpy.zeros_like(g)


PER_PARAM_HOOKS = {
    'WeightDecay': weight_decay, 'Lasso': lasso,
    'GradientHardClipping': gradient_hard_clipping,
}


def apply_hook(hook, p, g):
    """Apply a per-parameter hook spec (``kind``, ``args``) to one gradient."""
    return PER_PARAM_HOOKS[hook.kind](*hook.args, p, g)


def gradient_clipping(threshold, grads):
    """GradientClipping: the rate threshold / (L2 norm of all gradients
    together); every gradient is multiplied by it unless it is >= 1."""
    norm = math.sqrt(sum(float(numpy.sum(g * g)) for g in grads))
    rate = threshold / norm if norm else math.inf
    return ([g * rate for g in grads] if rate < 1 else list(grads)), rate


# Trajectories and the procedural rules of GradientMethod.update (E4, F2).

NUMPY_1 = int(numpy.__version__.split('.')[0]) < 2


def state_dtype(optimizer, shape, dtype):
    """The dtype of a rule's state after a step on a parameter of ``shape``
    computed in ``dtype``.  SMORMS3 replaces its state by the results of
    expressions with Python floats (``1 / (mem + 1)``, ``g2 + eps``); on a
    0-d parameter these are NumPy scalars, which NumPy 1 promotes to float64
    (its value-based casting spares arrays only); NumPy 2 keeps the dtype
    (chainer/optimizers/smorms3.py:SMORMS3Rule.update_core_cpu@v7.8.1,
    SEMANTICS G12)."""
    if optimizer == 'SMORMS3' and tuple(shape) == () and NUMPY_1:
        return 'float64'
    return numpy.dtype(dtype).name


def state_like(optimizer, hyper, value):
    """The state a rule creates for a parameter holding ``value`` (its
    shape and dtype), before any step."""
    return {k: numpy.full_like(value, STATE_START.get((optimizer, k), 0.0))
            for k in state_keys(optimizer, hyper)}


def initial_state(optimizer, hyper, shape):
    return {k: numpy.full(shape, STATE_START.get((optimizer, k), 0.0))
            for k in state_keys(optimizer, hyper)}


def trajectory(optimizer, hyper, p0, grads):
    """The RuleSteps of one rule fed ``grads`` in turn from ``p0``; a ``None``
    gradient is zeros (``reallocate_cleared_grads``) and still counts as a
    step, so ``t`` is the 1-based position in ``grads``."""
    rule = RULES[optimizer]
    p = numpy.asarray(p0, dtype=numpy.float64)
    state = initial_state(optimizer, hyper, p.shape)
    steps = []
    for t, g in enumerate(grads, start=1):
        g = numpy.zeros(p.shape) if g is None else numpy.asarray(g, numpy.float64)
        step = rule(hyper, t, p, g, state)
        p, state = step.param, step.state
        steps.append(step)
    return steps


def enabled_masks(scenario):
    """For each parameter, whether its rule is enabled at each update.

    ``setup`` gives every parameter a new, enabled rule, so a
    ``disable_update()`` before it has no effect (F8, E1); a link's
    ``disable_update``/``enable_update`` sets every rule in its hierarchy.
    """
    paths = scenario.tree.param_paths()
    enabled = dict.fromkeys(paths, True)
    masks = {path: [] for path in paths}
    for actions in scenario.actions:
        for op, target in actions:
            if op in ('rule_off', 'rule_on'):
                enabled[target] = op == 'rule_on'
            else:
                for path in paths:
                    if path.startswith(target + '/'):
                        enabled[path] = op == 'enable_update'
        for path in paths:
            masks[path].append(enabled[path])
    return masks


def hook_timing(recorder, invalid):
    """Where ``add_hook`` files a hook: the ``timing`` argument, or with
    ``'auto'`` the hook's ``timing`` attribute (``'pre'`` if it has none);
    an attribute other than pre/post gives ``invalid``."""
    if recorder.timing != 'auto':
        return recorder.timing
    if recorder.attribute is None:
        return 'pre'
    return recorder.attribute if recorder.attribute in ('pre', 'post') else invalid


def call_log(scenario, optimizer_recorders, rule_recorders):
    """The calls ``runners.optim.run_hook_log`` records, in order (E4, F2).

    Per update: the optimizer's pre hooks see the old ``optimizer.t`` (a
    per-parameter one is called for every parameter, disabled and
    uninitialized ones included); then ``t += 1``; then each enabled rule
    counts the update and calls its own pre, then post hooks; then the
    optimizer's post hooks.  An invalid ``timing`` attribute files an
    optimizer hook as pre and a rule hook as post.
    """
    params = scenario.tree.param_paths()
    masks = enabled_masks(scenario)
    optimizer_t, rule_t = 0, dict.fromkeys(params, 0)
    log = []

    def optimizer_hooks(timing):
        for hook in optimizer_recorders:
            if hook_timing(hook, invalid='pre') != timing:
                continue
            if hook.per_param:
                log.extend(('optimizer', hook.name, optimizer_t, path, rule_t[path])
                           for path in params)
            else:
                log.append(('optimizer', hook.name, optimizer_t))

    for k in range(scenario.steps):
        optimizer_hooks('pre')
        optimizer_t += 1
        for path in params:
            if not masks[path][k]:
                continue
            rule_t[path] += 1
            for timing in ('pre', 'post'):
                log.extend(('rule', hook.name, path, rule_t[path])
                           for hook in rule_recorders.get(path, ())
                           if hook_timing(hook, invalid='post') == timing)
        optimizer_hooks('post')
    return log


def sgd_update_with_hooks(scenario, k, before, enabled):
    """Update ``k`` of SGD with the scenario's built-in hooks, from the
    parameter values ``before`` it (E4, F2, F9).

    The optimizer's hooks rewrite the gradient of every initialized
    parameter, frozen ones included, in registration order (GradientClipping
    over all of them at once); then each enabled rule's own hooks rewrite its
    gradient; then each enabled parameter takes the SGD step.  Returns, per
    path, ``(grad, grad_scale, param, param_scale)`` with the scales of
    ``tolerances.hook_bound``.
    """
    lr = scenario.effective_hyper()['lr']
    paths = list(scenario.init)
    grads = {p: numpy.zeros(numpy.shape(scenario.init[p])) if scenario.grads[k][p] is None
             else scenario.grads[k][p].astype(numpy.float64) for p in paths}
    before = {p: numpy.asarray(before[p], numpy.float64) for p in paths}
    scale = {p: abs(grads[p]) for p in paths}

    def per_param(hook, p):
        grads[p], added = apply_hook(hook, before[p], grads[p])
        scale[p] = scale[p] + added

    for hook in scenario.optimizer_hooks:
        if hook.kind != 'GradientClipping':
            for p in paths:
                per_param(hook, p)
            continue
        clipped, rate = gradient_clipping(hook.args[0], [grads[p] for p in paths])
        if rate < 1:
            # the rate carries the rounding of a sum over every element
            terms = sum(g.size for g in clipped) + 5
            for p, g in zip(paths, clipped):
                grads[p], scale[p] = g, scale[p] * rate * terms
    for p in paths:
        if enabled[p]:
            for hook in scenario.rule_hooks.get(p, ()):
                per_param(hook, p)
    return {p: (grads[p], scale[p],
                before[p] - lr * grads[p] if enabled[p] else before[p],
                abs(before[p]) + lr * scale[p])
            for p in paths}
