"""What a public-API failure script checks at each observed point.

A checker turns a ``script.Checkpoint`` (a runner's snapshot after setup or
an update) into script lines asserting what the property asserts there, with
the expected values computed by the suite's model now and written as
literals.  A property declares its checker, ``@rule(..., script=checker)``;
properties without one get lines printing the observed values, and the
script says to compare them by eye with the rule.

``load`` is copied into every script (``inspect.getsource``), so it imports
the implementation on its own rather than through ``loader``.
"""
import importlib.util
import inspect
import pathlib
import sys

from conformance import script, spec, tolerances
from conformance.models import update_rules
from conformance.strategies import optim as strategies

HELPERS = {'observe': '''
def observe(param):
    """A parameter's value, gradient, and its rule's t and state, copied."""
    copy = lambda a: None if a is None else numpy.array(a)
    rule = param.update_rule
    return {'param': copy(param.array),
            'grad': None if param.array is None else copy(param.grad),
            't': rule.t,
            'state': None if rule.state is None else {k: copy(v) for k, v in rule.state.items()}}
''', 'check_close': '''
def check_close(actual, expected, bound, what):
    """|actual - expected| <= bound elementwise, in float64."""
    print(f'{what}: {actual!r}')
    error = numpy.abs(numpy.asarray(actual, dtype='float64') - expected)
    assert (error <= bound).all(), f'{what}: {actual!r}, expected {expected!r} +- {bound!r}'
''', 'check_same': '''
def check_same(actual, expected, what):
    """Bit for bit equal (nested dicts, arrays, numbers)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and sorted(actual) == sorted(expected), (
            f'{what}: {actual!r}, expected keys {sorted(expected)}')
        for key in expected:
            check_same(actual[key], expected[key], f'{what}[{key!r}]')
    elif isinstance(expected, numpy.ndarray):
        assert (isinstance(actual, numpy.ndarray) and actual.dtype == expected.dtype
                and actual.shape == expected.shape
                and actual.tobytes() == expected.tobytes()), (
            f'{what}: {actual!r}, expected {expected!r}')
    else:
        assert type(actual) is type(expected) and actual == expected, (
            f'{what}: {actual!r}, expected {expected!r}')
'''}


def load(name, where=None):
    """The implementation: an importable module name (also looked up in
    ``where``, the directory the failing run started from) or a file path."""
    if not name.endswith('.py'):
        if where is not None and where not in sys.path:
            sys.path.append(where)
        return importlib.import_module(name)
    spec = importlib.util.spec_from_file_location(pathlib.Path(name).stem, name)
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _line(template, *values, **proxies):
    """A script line: ``template`` formatted with literals of ``values`` ({0})
    and the expressions of ``proxies`` ({name})."""
    uses = set()
    text = template.format(*(script.literal(v, uses) for v in values),
                           **{k: script.literal(p, uses) for k, p in proxies.items()})
    return script.Line(text, uses=frozenset(uses))


def _after(point):
    return 'after setup' if point.step == 0 else f'after update {point.step}'


def check_formulas(point, final_dtypes=False):
    """Parameters and states within the model's bounds (test_update_formulas)."""
    if point.run != 0 or point.step == 0:
        return []
    scenario, k = point.scenario, point.step
    hyper = scenario.effective_hyper()
    lines = [script.Line(f"# {_after(point)}: {scenario.optimizer}'s formula in float64, "
                         'and the rounding bound the suite allows')]
    for path, p0 in scenario.init.items():
        steps = update_rules.trajectory(scenario.optimizer, hyper, p0,
                                        [step.get(path) for step in scenario.grads])
        bounds = (tolerances.fp32_update_bounds(p0, steps) if scenario.fp32
                  else tolerances.trajectory_bounds(scenario.dtype, p0, steps))
        model, (param_bound, state_bounds) = steps[k - 1], bounds[k - 1]
        param = point.built.params[path]
        lines.append(_line('check_close({p}.array, {0}, {1}, {2})', model.param, param_bound,
                           f'{path} after update {k}', p=param))
        lines.append(_line('assert sorted({p}.update_rule.state) == {0}, {p}.update_rule.state',
                           sorted(model.state), p=param))
        for key, expected in model.state.items():
            lines.append(_line('check_close({p}.update_rule.state[{0}], {1}, {2}, {3})', key,
                               expected, state_bounds[key], f'{path} state {key!r}', p=param))
        if final_dtypes and k == len(scenario.grads):
            state_dtype = 'float32' if scenario.fp32 else scenario.dtype
            lines.append(_line('assert {p}.array.dtype == {0}, {p}.array.dtype',
                               scenario.dtype, p=param))
            lines.append(_line('assert all(v.dtype == {0} for v in {p}.update_rule.state.values())',
                               state_dtype, p=param))
    return lines


def check_formulas_and_final_dtypes(point):
    """``check_formulas``, and after the last update the dtypes of the
    parameters and states."""
    return check_formulas(point, final_dtypes=True)


def check_frozen(point):
    """Frozen parameters stay as they were, the rest update as without them
    (test_frozen_parameters): run 0 is the scenario, run 1 the same without
    the frozen parameters."""
    if point.step == 0:
        return []
    k = point.step
    if point.run == 1:
        return [_line("check_same(observe({p}), observed[{0}], {1})", (path, k),
                      f'{path} after update {k} vs. the link without the frozen ones', p=p)
                for path, p in point.built.params.items()]
    scenario = point.scenario
    masks = update_rules.enabled_masks(scenario)
    frozen = {path for path, mask in masks.items() if not mask[0]}
    lines = [script.Line('observed = {}') if k == 1 else None]
    for path, p in point.built.params.items():
        if path in frozen:
            lines.append(_line("check_same({{k: observe({p})[k] for k in ('param', 't', 'state')}}"
                               ', {0}, {1})', {'param': scenario.init[path], 't': 0, 'state': None},
                               f'frozen {path} after update {k}', p=p))
        else:
            lines.append(_line('observed[{0}] = observe({p})', (path, k), p=p))
    lines.append(_line('assert {o}.t == {0}, {o}.t', k, o=point.optimizer))
    if k == len(scenario.grads):
        params = scenario.tree.param_paths()
        for link_path, link in point.built.links.items():
            enabled = any(masks[p][0] for p in strategies.params_under(link_path, params))
            lines.append(_line('assert {link}.update_enabled == {0}, {1}', enabled,
                               f'update_enabled of {link_path or "the root"}', link=link))
    return [line for line in lines if line is not None]


def show(point):
    """Properties without a checker: print what the runner observed."""
    observed = {path: script.Proxy(None, None, f'observe({p._expr})', p._uses)
                for path, p in point.built.params.items()}
    return [_line('print({0}, {1})', f'run {point.run + 1}, {_after(point)}:', observed)]


def public_script(item, ns, blob, error, *, property_id, file, module, describe,
                  suite_version, where=None):
    """``(script text, None)``, or ``(None, why not)`` where the example
    cannot be written over the public API; ``file`` is the script's name."""
    recorder, why = script.record(item, ns, blob, error)
    if recorder is None:
        return None, why
    checker = spec.script_checker(item)
    if checker is None and not any(isinstance(line, script.Checkpoint) for line in recorder.lines):
        return None, 'the property observes no trace the script can show'
    body = recorder.render(checker or show)
    rule = inspect.cleandoc(item.obj.__doc__ or '')
    verdict = ("print('the example behaves as the property requires')" if checker else
               '# Reproduces the calls; compare by eye with the rule:\n'
               + ''.join(f'#   {line}\n' for line in rule.splitlines()))
    helpers = ''.join(text for name, text in HELPERS.items() if name + '(' in body)
    return f'''"""Reproduce {property_id} on {describe}.

    python {file} [MODULE]

plays the failing example through the public API of MODULE (a module name
or a .py file; default {module!r}){' and asserts what the property asserts' if checker else ''}.
Written by chainer-conformance {suite_version}.
"""
import importlib.util
import pathlib
import sys

import numpy
{inspect.getsource(load)}
ns = load(sys.argv[1] if len(sys.argv) > 1 else {module!r}, {where!r})
{helpers}

{body}
{verdict}
''', None
