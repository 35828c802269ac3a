"""Where two traces of the same scenario first part, shown side by side
(two implementations' traces, or a trace and a recorded one).

A trace is what a runner returns: nested dicts, lists, tuples, dataclasses,
NumPy arrays and scalars.  Two traces are the same when they have the same
structure and every leaf has the same type and the same bits: ``1`` is not
``1.0`` nor ``True``, ``0.0`` is not ``-0.0``, a float32 array is not a
float64 one.  With ``ulps`` set (traces made on different machines or NumPy
majors: ``tolerances.RECORDED_ULPS`` says why), floating NumPy values need
only agree within that many units in the last place (``tolerances.within_ulps``);
everything else is still compared bitwise.
"""
import dataclasses

import numpy

from conformance import tolerances

#: How long one side's value may get in a message before it is cut.
WIDTH = 100


@dataclasses.dataclass
class Divergence:
    """The first place two traces differ.

    ``around`` is the innermost sequence of records (lists or tuples, as
    the entries of an event log) holding it, as ``(path, left,
    right, index)``, so that a message can show the neighbouring entries.
    """
    path: str
    left: object
    right: object
    around: tuple = None


class _Absent:
    """Stands for the side that has no entry at a path."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


_END = _Absent('<end>')           # past the end of a shorter sequence
_MISSING = _Absent('<missing>')   # a key only the other dict has


def _same_leaf(a, b, ulps):
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return repr(a) == repr(b)           # tells -0.0 from 0.0, NaN equals NaN
    if isinstance(a, numpy.generic):
        if a.dtype != b.dtype:
            return False
        if ulps and a.dtype.kind == 'f':
            return tolerances.within_ulps(a, b, ulps)
        return a.tobytes() == b.tobytes()
    return a == b


def _is_dataclass(value):
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def first_divergence(left, right, path='trace', around=None, ulps=0):
    """The first ``Divergence`` of ``left`` from ``right``, or ``None``
    (floating NumPy values within ``ulps``, see the module docstring)."""
    if type(left) is not type(right):
        return Divergence(path, left, right, around)
    if _is_dataclass(left):
        for field in dataclasses.fields(left):
            found = first_divergence(getattr(left, field.name), getattr(right, field.name),
                                     f'{path}.{field.name}', around, ulps)
            if found:
                return found
        return None
    if isinstance(left, dict):
        for key in list(left) + [k for k in right if k not in left]:
            where = f'{path}[{key!r}]'
            if key not in right:
                return Divergence(where, left[key], _MISSING, around)
            if key not in left:
                return Divergence(where, _MISSING, right[key], around)
            found = first_divergence(left[key], right[key], where, around, ulps)
            if found:
                return found
        return None
    if isinstance(left, (list, tuple)):
        for index in range(max(len(left), len(right))):
            if index >= len(left) or index >= len(right):
                return Divergence(f'{path}[{index}]',
                                  left[index] if index < len(left) else _END,
                                  right[index] if index < len(right) else _END,
                                  (path, left, right, index))
            # A sequence of records (a log) gives the context of a divergence.
            here = ((path, left, right, index)
                    if isinstance(left[index], (list, tuple)) else around)
            found = first_divergence(left[index], right[index], f'{path}[{index}]', here, ulps)
            if found:
                return found
        return None
    if isinstance(left, numpy.ndarray):
        return _array_divergence(left, right, path, around, ulps)
    return None if _same_leaf(left, right, ulps) else Divergence(path, left, right, around)


def _array_divergence(left, right, path, around, ulps):
    if left.dtype != right.dtype or left.shape != right.shape:
        return Divergence(path, left, right, around)
    if left.dtype == object:
        return first_divergence(left.tolist(), right.tolist(), f'{path}.tolist()', around, ulps)
    if left.tobytes() == right.tobytes():
        return None
    if ulps and left.dtype.kind == 'f' and tolerances.within_ulps(left, right, ulps):
        return None
    flat_left, flat_right = left.reshape(-1), right.reshape(-1)
    index = next(i for i in range(flat_left.size)
                 if flat_left[i:i + 1].tobytes() != flat_right[i:i + 1].tobytes())
    where = numpy.unravel_index(index, left.shape) if left.ndim else ()
    return Divergence(f'{path}[{", ".join(map(str, where))}]',
                      flat_left[index], flat_right[index], around)


def describe(value):
    """A short repr that shows dtypes, cut to ``WIDTH`` characters."""
    if isinstance(value, numpy.ndarray):
        text = f'{value.dtype}{list(value.shape)} {value.tolist()!r}'
    elif isinstance(value, numpy.generic):
        text = f'{value.dtype.name}({value.item()!r})'
    else:
        text = repr(value)
    return text if len(text) <= WIDTH else text[:WIDTH - 3] + '...'


def side_by_side(left, right, names=('impl', 'reference'), context=2, ulps=0):
    """``None`` if the traces are the same, else a message: the first
    divergence as ``path: impl=... reference=...``, then the neighbouring
    entries of the log holding it, in two columns."""
    found = first_divergence(left, right, ulps=ulps)
    if found is None:
        return None
    a, b = names
    lines = [f'traces differ ({a} vs. {b}); first divergence:',
             f'  {found.path}: {a}={describe(found.left)} {b}={describe(found.right)}']
    if found.around is not None:
        path, seq_a, seq_b, index = found.around
        end = min(max(len(seq_a), len(seq_b)), index + context + 1)
        rows = range(max(0, index - context), end)
        cells = [(i, describe(seq_a[i]) if i < len(seq_a) else repr(_END),
                  describe(seq_b[i]) if i < len(seq_b) else repr(_END)) for i in rows]
        width = max(len(a), *(len(cell) for _, cell, _ in cells))
        label = max(len(f'[{i}]') for i, _, _ in cells)
        lines.append(f'  {path} around [{index}]:')
        lines.append(f'    {"":{label}} {a:{width}} | {b}')
        for i, cell_a, cell_b in cells:
            lines.append(f'  {">" if i == index else " "} {f"[{i}]":{label}} '
                         f'{cell_a:{width}} | {cell_b}')
    return '\n'.join(lines)
