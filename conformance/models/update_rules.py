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
}

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
}


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


RULES = {
    'SGD': sgd, 'MomentumSGD': momentum_sgd, 'NesterovAG': nesterov_ag,
    'AdaGrad': ada_grad, 'RMSprop': rmsprop, 'AdaDelta': ada_delta,
    'Adam': adam,
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

def initial_state(optimizer, hyper, shape):
    return {k: numpy.zeros(shape) for k in state_keys(optimizer, hyper)}


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
