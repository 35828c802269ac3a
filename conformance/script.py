"""Failure scripts that use only the implementation's public API.

A failed property is replayed once more with ``ns`` wrapped in a recording
proxy.  Every operation the suite performs through it (reading a public
name, calling, assigning an attribute, indexing) becomes a line of Python
source over ``ns``, ``numpy`` and literals; proxied objects are unwrapped
before they go back into the implementation, so its own ``isinstance``
checks still see its objects.  Where the runners observe a trace (the
recorder is ``runners.optim``'s observer meanwhile), the checker the
property declares (``script_checks``) writes what it asserts there.  When an
argument cannot be written as source (a closure, a recording hook) the
recording gives up and the plugin falls back to the suite-based script of
``repro.py``.
"""
import dataclasses
import types

import numpy
from hypothesis.reporting import with_reporter

from conformance import examples
from conformance.namespace import Namespace
from conformance.runners import optim


class Unexpressible(Exception):
    """A value the script cannot write as Python source."""


def literal(value, uses):
    """Source text for ``value``; adds the variables it names to ``uses``."""
    if isinstance(value, Proxy):
        uses |= value._uses
        return value._expr
    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, float):
        return repr(value) if numpy.isfinite(value) else f"float('{value}')"
    if isinstance(value, numpy.ndarray) and value.dtype.kind in 'biuf':
        items = ', '.join(literal(x, uses) for x in value.reshape(-1).tolist())
        if value.ndim == 0:
            return f"numpy.array({items}, dtype='{value.dtype.name}')"
        text = f"numpy.array([{items}], dtype='{value.dtype.name}')"
        return text if value.ndim == 1 else f'{text}.reshape({value.shape!r})'
    if isinstance(value, numpy.generic) and value.dtype.kind in 'biuf':
        return f'numpy.{value.dtype.name}({literal(value.item(), uses)})'
    if isinstance(value, (list, tuple)):
        items = [literal(x, uses) for x in value]
        if isinstance(value, list):
            return f"[{', '.join(items)}]"
        return f"({', '.join(items)}{',' if len(items) == 1 else ''})"
    if isinstance(value, dict):
        return '{' + ', '.join(f'{literal(k, uses)}: {literal(v, uses)}'
                               for k, v in value.items()) + '}'
    raise Unexpressible(f'{type(value).__name__} {value!r:.60}')


def is_data(value):
    """Values handed back to the suite as they are (observations, not objects)."""
    if value is None or isinstance(value, (bool, int, float, str, numpy.ndarray, numpy.generic)):
        return True
    if isinstance(value, (list, tuple)):
        return all(map(is_data, value))
    return isinstance(value, dict) and all(map(is_data, value.values()))


def unwrap(value):
    if isinstance(value, Proxy):
        return value._target
    if isinstance(value, (list, tuple)):
        return type(value)(map(unwrap, value))
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in value.items()}
    return value


@dataclasses.dataclass
class Line:
    text: str
    indent: int = 0
    defines: str = None
    uses: frozenset = frozenset()


@dataclasses.dataclass
class Checkpoint:
    """Where a runner observed the trace: after setup (step 0) or update ``step``."""
    run: int
    step: int
    scenario: object
    built: object
    optimizer: object


class Recorder(optim.Observer):
    def __init__(self):
        self.start_over()

    def start_over(self, *_):
        """Forget what was recorded: each run of the example is recorded afresh."""
        self.lines, self.problems, self.runs = [], [], []
        self._known, self._counts, self._indent = {}, {}, 0

    def started(self, scenario):
        """The runner begins a run (``runners.optim.prepare``)."""
        self.runs.append([scenario, 0])

    def snapshot(self, built, optimizer):
        """The runner observes the trace: a checkpoint in the recording."""
        run = self.runs[-1]
        self.lines.append(Checkpoint(len(self.runs) - 1, run[1], run[0], built, optimizer))
        run[1] += 1

    def emit(self, text, uses=frozenset(), defines=None):
        self.lines.append(Line(text, self._indent, defines, frozenset(uses)))

    def source(self, value, uses):
        try:
            return literal(value, uses)
        except Unexpressible as e:
            self.problems.append(f'the suite passes {e}')
            return '...'

    def wrap(self, value, expr, uses, statement=False):
        """What the suite gets back for ``value``, read or returned as ``expr``."""
        if is_data(value):
            if statement:
                self.emit(expr, uses)
            return value
        if id(value) in self._known:
            if statement:
                self.emit(expr, uses)
            return self._known[id(value)]
        names = (types.ModuleType, Namespace, type, types.MethodType, types.FunctionType,
                 types.BuiltinFunctionType)
        entered = statement and hasattr(type(value), '__enter__')   # with link.init_scope():
        if entered or not statement and isinstance(value, names):
            return Proxy(self, value, expr, uses)   # a name, written where it is used
        base = type(value).__name__.lower()
        self._counts[base] = count = self._counts.get(base, 0) + 1
        name = f'{base}{count}'
        self.emit(f'{name} = {expr}', uses, defines=name)
        proxy = self._known[id(value)] = Proxy(self, value, name, {name})
        return proxy

    def render(self, at_checkpoint):
        """The recorded lines, checkpoints written by ``at_checkpoint``,
        without reads that nothing uses."""
        lines = []
        for line in self.lines:
            lines.extend(at_checkpoint(line) if isinstance(line, Checkpoint) else [line])
        used, kept = set(), []
        for line in reversed(lines):
            if line.defines is None or line.defines in used:
                kept.append(line)
                used |= line.uses
        kept.reverse()
        text = []
        for i, line in enumerate(kept):
            text.append('    ' * line.indent + line.text)
            if line.text.startswith('with ') and (
                    i + 1 == len(kept) or kept[i + 1].indent <= line.indent):
                text.append('    ' * (line.indent + 1) + 'pass')
        return '\n'.join(text)


class Proxy:
    """An implementation object as the suite sees it while recording."""
    __slots__ = ('_recorder', '_target', '_expr', '_uses')

    def __init__(self, recorder, target, expr, uses):
        for slot, value in zip(self.__slots__, (recorder, target, expr, frozenset(uses))):
            object.__setattr__(self, slot, value)

    def __getattr__(self, name):
        value = getattr(self._target, name)
        if name.startswith('_'):
            self._recorder.problems.append(f'the suite reads the private {name}')
        return self._recorder.wrap(value, f'{self._expr}.{name}', self._uses)

    def __setattr__(self, name, value):
        uses = set(self._uses)
        self._recorder.emit(f'{self._expr}.{name} = {self._recorder.source(value, uses)}', uses)
        setattr(self._target, name, unwrap(value))

    def __delattr__(self, name):
        self._recorder.emit(f'del {self._expr}.{name}', self._uses)
        delattr(self._target, name)

    def __call__(self, *args, **kwargs):
        uses = set(self._uses)
        source = self._recorder.source
        text = ', '.join([source(a, uses) for a in args]
                         + [f'{k}={source(v, uses)}' for k, v in kwargs.items()])
        result = self._target(*unwrap(args), **unwrap(kwargs))
        return self._recorder.wrap(result, f'{self._expr}({text})', uses, statement=True)

    def __getitem__(self, key):
        uses = set(self._uses)
        text = f'{self._expr}[{self._recorder.source(key, uses)}]'
        return self._recorder.wrap(self._target[unwrap(key)], text, uses)

    def __setitem__(self, key, value):
        uses = set(self._uses)
        source = self._recorder.source
        self._recorder.emit(f'{self._expr}[{source(key, uses)}] = {source(value, uses)}', uses)
        self._target[unwrap(key)] = unwrap(value)

    def __enter__(self):
        self._recorder.emit(f'with {self._expr}:', self._uses)
        self._recorder._indent += 1
        return self._recorder.wrap(self._target.__enter__(), f'{self._expr}.__enter__()', ())

    def __exit__(self, *exc):
        self._recorder._indent -= 1
        return self._target.__exit__(*exc)

    def __iter__(self):
        self._recorder.problems.append(f'the suite iterates over {self._expr}')
        return iter(self._target)

    def __len__(self):
        return len(self._target)

    def __bool__(self):
        return bool(self._target)

    def __repr__(self):
        return repr(self._target)


def _message(error):
    """The property's message, without pytest's assertion rewriting (which
    shows object addresses)."""
    lines = str(error).splitlines()
    return next((lines[:i] for i, line in enumerate(lines) if line.startswith('assert ')), lines)


# Why a script replays through the suite when recording the public calls went
# wrong: the details are the suite's business, not the implementer's.
NOT_REPLAYED = 'the example could not be replayed through the public API alone'


def record(item, ns, blob, error):
    """Replay ``blob`` on ``item`` with a recording ``ns``: ``(recorder, None)``,
    or ``(None, why not)`` when the replay cannot stand for the failure."""
    recorder = Recorder()
    kwargs = {name: item.funcargs[name] for name in item._fixtureinfo.argnames}
    kwargs['ns'] = Proxy(recorder, ns, 'ns', ())
    try:
        with examples.replaying(item.obj, blob), \
                examples.each_example(item.obj, recorder.start_over), \
                optim.observed_by(recorder), with_reporter(lambda *_: None):
            item.obj(**kwargs)
    except Exception as e:   # NOQA: the failure is what we want
        if (type(e), _message(e)) != (type(error), _message(error)):
            return None, NOT_REPLAYED
    else:
        return None, 'recorded replay passed'
    if recorder.problems:
        return None, recorder.problems[0]
    return recorder, None
