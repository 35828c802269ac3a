"""Where a sequence an implementation gave (an event log, a list of
states, calls) first departs from the one expected, in words.

``model_mismatch`` and ``records_mismatch`` word a property's failure:
the scenario, the first difference and both sequences in full;
``first_event_difference`` and ``first_call_difference`` find the first
difference for a message of the caller's own.
"""


def _first_difference(expected, actual):
    """``(index, expected entry, actual entry)``, ``'<end>'`` past the end
    of the shorter one (the index is its length when one is a prefix of
    the other)."""
    index = next((i for i, (e, a) in enumerate(zip(expected, actual)) if e != a),
                 min(len(expected), len(actual)))
    first_e = expected[index] if index < len(expected) else '<end>'
    first_a = actual[index] if index < len(actual) else '<end>'
    return index, first_e, first_a


def model_mismatch(scenario, expected, actual, what='trace', context=None):
    """A readable assertion message: the scenario, the first difference,
    both sequences in full, then ``context`` (what the model derived them
    from), if given."""
    expected, actual = list(expected), list(actual)
    index, first_e, first_a = _first_difference(expected, actual)
    return (f'{what} differs from the model of Chainer 7.8.1\n'
            f'  scenario: {scenario}\n'
            f'  first difference at position {index}: expected {first_e!r}, got {first_a!r}\n'
            f'  expected: {expected}\n'
            f'  actual:   {actual}'
            + (f'\n  {context}' if context else ''))


def _fields(record):
    """The field names of a named tuple (a record such as
    ``runners.iterator.IteratorStep``), else ``None``."""
    return getattr(type(record), '_fields', None) if isinstance(record, tuple) else None


def records_mismatch(what, scenario, expected, actual, labels=('model', 'impl')):
    """A readable assertion message: the scenario, the first differing
    record with the fields that differ (when both are records of one
    kind), and both sequences in full, numbered (``labels`` name the
    expected and the actual side; the model is the test's model of
    Chainer 7.8.1)."""
    expected, actual = list(expected), list(actual)
    index, first_e, first_a = _first_difference(expected, actual)
    lines = [f'{what}: {labels[1]} differs from {labels[0]}',
             f'  scenario: {scenario}',
             f'  first difference at [{index}]:']
    if _fields(first_e) and type(first_e) is type(first_a):
        lines += [f'    {field}: {labels[0]} {e!r}, {labels[1]} {a!r}'
                  for field, e, a in zip(_fields(first_e), first_e, first_a) if e != a]
    else:
        lines += [f'    {labels[0]} {first_e!r}', f'    {labels[1]} {first_a!r}']
    width = max(len(labels[0]), len(labels[1]))
    for label, records in zip(labels, (expected, actual)):
        lines.append(f'  {label:{width}}:')
        lines += [f'    {">" if i == index else " "}[{i}] {record!r}'
                  for i, record in enumerate(records)]
    return '\n'.join(lines)


def first_event_difference(expected, actual):
    """``(index, expected event or None, actual event or None)`` of the first
    differing event, or ``None`` when both logs are equal."""
    for index, (e, a) in enumerate(zip(expected, actual)):
        if e != a:
            return index, e, a
    if len(expected) != len(actual):
        index = min(len(expected), len(actual))
        return (index, expected[index] if index < len(expected) else None,
                actual[index] if index < len(actual) else None)
    return None


def first_call_difference(actual, expected):
    """The first difference of two call logs in words (the call, or the
    counts and the calls from where the shorter one ends), or ``None``."""
    for i, (a, e) in enumerate(zip(actual, expected)):
        if a != e:
            return f'call {i}: {a}, expected {e}'
    if len(actual) != len(expected):
        n = min(len(actual), len(expected))
        return (f'{len(actual)} calls, expected {len(expected)}; from call {n}: '
                f'{actual[n:n + 3]} vs. expected {expected[n:n + 3]}')
    return None
