"""Play update-rule scenarios on an implementation and return plain traces.

Gradients are assigned to ``param.grad`` and ``optimizer.update()`` is called
without a loss function, so no autograd is involved.  Every array in a trace
is a host copy.
"""
import contextlib
import dataclasses

from conformance import devices, harness
from conformance.models import update_rules


@dataclasses.dataclass
class Snapshot:
    """What a run looks like after one ``update()``."""
    params: dict        # path -> array (None if uninitialized)
    grads: dict         # path -> array or None
    rule_t: dict        # path -> int
    states: dict        # path -> {key: array} or None
    optimizer_t: int
    update_enabled: dict   # link path -> bool


@dataclasses.dataclass
class UpdateTrace:
    setup: Snapshot     # right after setup, overrides and hooks
    steps: list         # one Snapshot per update()

    @property
    def final(self):
        return self.steps[-1] if self.steps else self.setup


class Built:
    """A link tree built through ``ns``, with its links and parameters by path."""

    def __init__(self, ns, tree, init):
        self.links, self.params = {}, {}
        self.root = devices.place(self._build(ns, tree, init, ''))

    def _build(self, ns, node, init, path):
        link = getattr(ns, node.kind)()
        self.links[path] = link
        with link.init_scope():
            for name, _ in node.params:
                value = init.get(f'{path}/{name}')
                param = ns.Parameter(None if value is None else value.copy())
                setattr(link, name, param)
                self.params[f'{path}/{name}'] = param
            if node.kind == 'Chain':
                for name, child in node.children:
                    setattr(link, name, self._build(ns, child, init, f'{path}/{name}'))
        if node.kind == 'ChainList':
            for name, child in node.children:
                link.add_link(self._build(ns, child, init, f'{path}/{name}'))
        return link

    def rule(self, path):
        return self.params[path].update_rule


def grad_of(param):
    if param.array is None:
        return None
    return devices.to_host(param.grad)


class Observer:
    """Sees the runs: ``started(scenario)`` as ``prepare`` begins one and
    ``snapshot(built, optimizer)`` as ``snapshot`` begins.  The default sees
    nothing; ``script.record`` installs its recorder with ``observed_by``."""

    def started(self, scenario):
        pass

    def snapshot(self, built, optimizer):
        pass


observer = Observer()


@contextlib.contextmanager
def observed_by(new):
    """Let ``new`` (an ``Observer``) see the runs inside the block."""
    global observer
    previous, observer = observer, new
    try:
        yield
    finally:
        observer = previous


def snapshot(built, optimizer):
    observer.snapshot(built, optimizer)
    rules = {path: p.update_rule for path, p in built.params.items()}
    return Snapshot(
        params={path: devices.to_host(p.array) for path, p in built.params.items()},
        grads={path: grad_of(p) for path, p in built.params.items()},
        rule_t={path: r.t for path, r in rules.items()},
        states={path: None if r.state is None
                else {k: devices.to_host(v) for k, v in r.state.items()}
                for path, r in rules.items()},
        optimizer_t=optimizer.t,
        update_enabled={path: link.update_enabled for path, link in built.links.items()})


#: Adam's flags of Chainer 6 and 7: omitted where they are off (the default),
#: so that an optimizer without them is judged only where they are on.
_OPTIONAL_FLAGS = ('amsgrad', 'adabound')


def constructor_arguments(name, hyper):
    """``hyper`` without the optional flags that are off."""
    if name != 'Adam':
        return dict(hyper)
    return {k: v for k, v in hyper.items() if not (k in _OPTIONAL_FLAGS and v is False)}


def make_optimizer(ns, name, hyper):
    return harness.call_with(f'optimizers.{name}', getattr(ns.optimizers, name),
                             **constructor_arguments(name, hyper))


def make_hook(ns, hook):
    return getattr(ns.optimizer_hooks, hook.kind)(*hook.args)


def apply_action(built, action):
    op, path = action
    if op in ('disable_update', 'enable_update'):
        getattr(built.links[path], op)()
    else:
        built.rule(path).enabled = (op == 'rule_on')


def set_grads(built, grads):
    for path, param in built.params.items():
        if param.array is None:
            param.cleargrad()
        elif grads.get(path) is None:
            param.cleargrad()
        else:
            param.grad = devices.current().array(grads[path])


def prepare(ns, scenario):
    """Build, set up and hook a scenario's link; return (built, optimizer)."""
    observer.started(scenario)
    built = Built(ns, scenario.tree, scenario.init)
    for path in scenario.disabled_before_setup:
        built.links[path].disable_update()
    optimizer = make_optimizer(ns, scenario.optimizer, scenario.hyper)
    if scenario.fp32 and not scenario.fp32_after_setup:
        optimizer.use_fp32_update()
    assert optimizer.setup(built.root) is optimizer, 'setup() must return the optimizer'
    if scenario.fp32 and scenario.fp32_after_setup:
        optimizer.use_fp32_update()     # switches the rules set up already
    for hook in scenario.optimizer_hooks:
        optimizer.add_hook(make_hook(ns, hook))
    for path, hooks in scenario.rule_hooks.items():
        for hook in hooks:
            built.rule(path).add_hook(make_hook(ns, hook))
    for path, values in scenario.overrides.items():
        for name, value in values.items():
            setattr(built.rule(path).hyperparam, name, value)
    return built, optimizer


def run_updates(ns, scenario):
    """Run every step of ``scenario``; a snapshot after setup and after each update."""
    built, optimizer = prepare(ns, scenario)
    setup = snapshot(built, optimizer)
    steps = []
    for grads, actions, changes in zip(scenario.grads, scenario.actions, scenario.changes):
        for action in actions:
            apply_action(built, action)
        for name, value in changes.items():
            setattr(optimizer, name, value)
        set_grads(built, grads)
        optimizer.update()
        steps.append(snapshot(built, optimizer))
    return UpdateTrace(setup, steps)


def run_updates_with_a_late_parameter(ns, scenario, value, grad):
    """``run_updates`` with a parameter ``late`` (holding ``value``) added to
    the root link after setup and given the gradient ``grad`` before each
    update; returns ``(trace, [per update: (late's value, its gradient,
    whether it has no rule)])``."""
    built, optimizer = prepare(ns, scenario)
    with built.root.init_scope():
        built.root.late = ns.Parameter(devices.current().array(value))
    late = built.root.late
    setup = snapshot(built, optimizer)
    steps, seen = [], []
    for grads in scenario.grads:
        set_grads(built, grads)
        late.grad = devices.current().array(grad)
        optimizer.update()
        steps.append(snapshot(built, optimizer))
        seen.append((devices.to_host(late.array), grad_of(late), late.update_rule is None))
    return UpdateTrace(setup, steps), seen


# ---------------------------------------------------------------- a view of a trace

def param_view(snap, path):
    """One parameter in a snapshot: its value, its rule's t and state."""
    return {'param': snap.params[path], 'grad': snap.grads[path],
            't': snap.rule_t[path], 'state': snap.states[path]}


# ---------------------------------------------------------------- hyperparameters

def read_hyperparameters(built, optimizer, names):
    """Every hyperparameter as the optimizer and each rule report it, but
    AdaBound's (an optional feature with its own property)."""
    def values(source):
        return {name: getattr(source, name) for name in names}
    return {
        'optimizer': values(optimizer),
        'optimizer.hyperparam': update_rules.without_adabound(optimizer.hyperparam.get_dict()),
        'rules': {path: {'values': values(p.update_rule.hyperparam),
                         'get_dict': update_rules.without_adabound(
                             p.update_rule.hyperparam.get_dict())}
                  for path, p in built.params.items()},
    }


def run_hyperparameter_ops(ns, scenario, ops):
    """Apply ``ops`` after setup and read every hyperparameter after each:
    ``('optimizer', name, value)`` sets ``optimizer.<name>``,
    ``('rule', path, name, value)`` sets ``rule.hyperparam.<name>`` and
    ``('del', path, name)`` deletes it."""
    built, optimizer = prepare(ns, scenario)
    names = list(update_rules.without_adabound(optimizer.hyperparam.get_dict()))
    readings = [read_hyperparameters(built, optimizer, names)]
    for op in ops:
        if op[0] == 'optimizer':
            setattr(optimizer, op[1], op[2])
        elif op[0] == 'rule':
            setattr(built.rule(op[1]).hyperparam, op[2], op[3])
        else:
            delattr(built.rule(op[1]).hyperparam, op[2])
        readings.append(read_hyperparameters(built, optimizer, names))
    return readings


def run_setup_again(ns, scenario, epochs):
    """Run ``scenario``, start ``epochs`` new epochs, then call ``setup`` on the
    same link again; report what the optimizer and the rules look like."""
    built, optimizer = prepare(ns, scenario)
    for grads, actions in zip(scenario.grads, scenario.actions):
        for action in actions:
            apply_action(built, action)
        set_grads(built, grads)
        optimizer.update()
    for _ in range(epochs):
        optimizer.new_epoch()
    old_rules = {path: p.update_rule for path, p in built.params.items()}
    returned = optimizer.setup(built.root)
    hooks_left = []
    for hook in scenario.optimizer_hooks:
        try:
            optimizer.remove_hook(hook.kind)
            hooks_left.append(hook.kind)
        except KeyError:
            pass
    return built, optimizer, {
        'setup returned the optimizer': returned is optimizer,
        't': optimizer.t, 'epoch': optimizer.epoch,
        'old optimizer hooks still registered': hooks_left,
        'rules': {path: {'new object': p.update_rule is not old_rules[path],
                         't': p.update_rule.t, 'state': p.update_rule.state,
                         'enabled': p.update_rule.enabled,
                         'hyperparameters': p.update_rule.hyperparam.get_dict()}
                  for path, p in built.params.items()},
    }


# ---------------------------------------------------------------- hook calls

class RecordingHook:
    """Appends one entry per call to ``log``; see ``run_hook_log``."""

    def __init__(self, spec, log, describe):
        self.call_for_each_param = spec.per_param
        if spec.attribute is not None:
            self.timing = spec.attribute
        if spec.named:
            self.name = spec.name
        self._spec, self._log, self._describe = spec, log, describe

    def __call__(self, *args):
        self._log.append(self._describe(self._spec.name, *args))


def run_hook_log(ns, scenario, optimizer_recorders, rule_recorders):
    """Play ``scenario`` with recording hooks; return the list of calls:
    ``('optimizer', name, optimizer.t)`` for a hook called with the optimizer,
    ``('optimizer', name, optimizer.t, path, rule t or None)`` for one called
    per parameter and ``('rule', name, path, rule.t)`` for a rule's hook."""
    built, optimizer = prepare(ns, scenario)
    paths = {id(p): path for path, p in built.params.items()}
    log = []

    def from_optimizer(name, *args):
        if len(args) == 1:
            return ('optimizer', name, args[0].t)
        rule, param = args
        return ('optimizer', name, optimizer.t, paths[id(param)],
                None if rule is None else rule.t)

    def from_rule(name, rule, param):
        return ('rule', name, paths[id(param)], rule.t)

    for spec in optimizer_recorders:
        optimizer.add_hook(RecordingHook(spec, log, from_optimizer),
                           name=None if spec.named else spec.name, timing=spec.timing)
    for path, specs in rule_recorders.items():
        for spec in specs:
            built.rule(path).add_hook(RecordingHook(spec, log, from_rule),
                                      name=None if spec.named else spec.name,
                                      timing=spec.timing)
    for grads, actions in zip(scenario.grads, scenario.actions):
        for action in actions:
            apply_action(built, action)
        set_grads(built, grads)
        optimizer.update()
    return log


# ---------------------------------------------------------------- direct param.update()

def run_gradientless_updates(ns, scenario):
    """Set up ``scenario`` and apply its first actions, then call
    ``param.update()`` directly ``scenario.steps`` times on every parameter
    with its gradient cleared; return the snapshot after the last round."""
    built, optimizer = prepare(ns, scenario)
    for action in scenario.actions[0]:
        apply_action(built, action)
    for _ in range(scenario.steps):
        for param in built.params.values():
            param.cleargrad()
            param.update()
    return snapshot(built, optimizer)


def run_first_update_catching(ns, scenario):
    """The first update of ``scenario``; return what it raised (``None``, or
    the exception's type name and args) and the snapshot after it."""
    built, optimizer = prepare(ns, scenario)
    set_grads(built, scenario.grads[0])
    try:
        optimizer.update()
        raised = None
    except Exception as error:  # the property compares the error with Chainer's
        raised = (type(error).__name__, error.args)
    return raised, snapshot(built, optimizer)
