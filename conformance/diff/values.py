"""Bitwise comparison of values and of serialized content, in words.

``bitwise_difference`` compares what a property holds against what it
expects (nested dicts, lists, arrays, scalars: same keys, same dtypes and
shapes, same bytes, same types); ``content_differences`` compares two
snapshots' content key by key (``{key: array}``, as ``DictionarySerializer``
writes it or ``numpy.load`` reads it back).
"""
import numpy


def bitwise_difference(actual, expected, where=''):
    """None if the two (nested dicts, lists, arrays, scalars) are bitwise
    equal, else a description of the first difference."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        if sorted(actual) != sorted(expected):
            return f'{where}: keys {sorted(actual)} != expected {sorted(expected)}'
        for key in expected:
            diff = bitwise_difference(actual[key], expected[key], f'{where}[{key!r}]')
            if diff:
                return diff
        return None
    if isinstance(expected, numpy.ndarray) and isinstance(actual, numpy.ndarray):
        if (actual.dtype, actual.shape) != (expected.dtype, expected.shape):
            return (f'{where}: {actual.dtype}{list(actual.shape)} != expected '
                    f'{expected.dtype}{list(expected.shape)}')
        if actual.tobytes() != expected.tobytes():
            i = numpy.flatnonzero(actual.reshape(-1).view(numpy.uint8)
                                  != expected.reshape(-1).view(numpy.uint8))[0]
            i //= actual.itemsize
            return (f'{where}: element {i} is {actual.flat[i]!r}, expected '
                    f'{expected.flat[i]!r}\n  actual   {actual!r}\n  expected {expected!r}')
        return None
    if type(actual) is not type(expected) or actual != expected:
        return f'{where}: {actual!r} != expected {expected!r}'
    return None


def assert_same(actual, expected, what):
    """Raise ``AssertionError`` with the first bitwise difference, if any."""
    diff = bitwise_difference(actual, expected, what)
    if diff is not None:
        raise AssertionError(diff)


# --- serialized content -------------------------------------------------------------

def describe_content(value):
    """One stored value: dtype, shape and the value (an object array's item)."""
    array = numpy.asarray(value)
    if array.dtype == object:
        held = f' {array.item()!r}' if array.ndim == 0 else ''
        return f'object {array.shape}{held}'
    shown = array.item() if array.ndim == 0 else array.tolist()
    return f'{array.dtype} {array.shape} {shown!r}'


def same_content(a, b):
    """Two stored values have the same dtype, shape and bytes (an object
    array the same items)."""
    a, b = numpy.asarray(a), numpy.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype == object:
        return a.tolist() == b.tolist()
    return a.tobytes() == b.tobytes()


def content_differences(expected, actual, limit=6):
    """Readable lines for the keys whose presence, dtype, shape or bytes differ."""
    lines = []
    for key in sorted(set(expected) | set(actual)):
        if key not in actual:
            lines.append(f'  {key}: missing (expected {describe_content(expected[key])})')
        elif key not in expected:
            lines.append(f'  {key}: unexpected key ({describe_content(actual[key])})')
        elif not same_content(expected[key], actual[key]):
            lines.append(f'  {key}: expected {describe_content(expected[key])}, '
                         f'got {describe_content(actual[key])}')
    if len(lines) > limit:
        lines = lines[:limit] + [f'  ... and {len(lines) - limit} more']
    return lines


def assert_same_content(saved, loaded, what):
    """``loaded`` (what a fresh object loaded from ``saved`` serializes to)
    is ``saved``, key for key."""
    lines = content_differences(saved, loaded)
    if lines:
        raise AssertionError(f'{what} loaded from its own snapshot serializes differently '
                             '(expected: original, got: loaded):\n' + '\n'.join(lines))


def plain_differences(expected, actual):
    """Lines for the keys of two dicts of plain data whose values differ
    (``None`` for a missing key)."""
    return [f'  {k}: expected {expected.get(k)}, got {actual.get(k)}'
            for k in sorted(set(expected) | set(actual)) if expected.get(k) != actual.get(k)]
