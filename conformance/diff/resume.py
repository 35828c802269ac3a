"""Why a resumed run differs from uninterrupted training, and why a
snapshot does not load, in plain words.

The traces are ``runners.training.TrainingTrace``s: the event log (each
update with the hyperparameters it used, each extension call, the
hyperparameters after each iteration) and the final serialized state.
"""
import numpy

from conformance.diff.logs import first_event_difference
from conformance.diff.values import content_differences
from conformance.models.serialization import scalar_load_refused


def hyper_differences(expected, actual):
    """``(owner, name, expected value, actual value)`` for differing rows."""
    e, a = ({(o, n): v for o, n, v in rows} for rows in (expected, actual))
    return [(o, n, e.get((o, n)), a.get((o, n)))
            for o, n in sorted(set(e) | set(a)) if e.get((o, n)) != a.get((o, n))]


def scalar_type_changes(full, resumed):
    """``(iteration, owner, name, uninterrupted type, resumed type)`` of each
    hyperparameter an update of the resumed run used with the uninterrupted
    run's value but another type (a NumPy scalar against a Python float)."""
    changes = []
    for e, a in zip(full.events, resumed.events):
        if e[0] != 'update' or a[0] != 'update' or e[1] != a[1]:
            continue
        theirs = {(o, n): v for o, n, v in a[2]}
        for owner, name, value in e[2]:
            other = theirs.get((owner, name))
            if other is not None and other == value and type(other) is not type(value):
                changes.append((e[1], owner, name, type(value).__name__,
                                type(other).__name__))
    return changes


def explain_resume_difference(full, resumed, resumed_at):
    """Plain words for the first way a resumed run differs from the
    uninterrupted one, or ``None`` when the traces are equal."""
    first = first_event_difference(full.events, resumed.events)
    if first is not None:
        _, expected, actual = first
        if (expected and actual and expected[0] == actual[0]
                and expected[0] in ('update', 'after') and expected[1] == actual[1]):
            return '\n'.join(_hyper_lines(expected, actual, resumed_at))
        return (f'after resuming at iteration {resumed_at} the event log differs: '
                f'uninterrupted training has {expected!r}, the resumed one has {actual!r}')
    lines = content_differences(full.state, resumed.state)
    if lines:
        return ('the final trainer state differs from uninterrupted training '
                '(expected: uninterrupted, got: resumed):\n' + '\n'.join(lines))
    return None


def _hyper_lines(expected, actual, resumed_at):
    kind, i = expected[0], expected[1]
    lines, differences = [], hyper_differences(expected[2], actual[2])
    inherited = {(n, e, a) for o, n, e, a in differences if o == 'optimizer'}
    for owner, name, e, a in differences:
        if owner != 'optimizer' and (name, e, a) in inherited:
            continue     # the rule inherits the optimizer's value
        what = name if owner == 'optimizer' else f'{name} (update rule of {owner})'
        if kind == 'update' and i == resumed_at + 1:
            lines.append(f'value of {what} not restored before the first update after '
                         f'resume: expected {e!r}, got {a!r} at iteration {i}')
        elif kind == 'update':
            lines.append(f'value of {what} used by update {i} (resumed at iteration '
                         f'{resumed_at}): expected {e!r}, got {a!r}')
        else:
            lines.append(f'value of {what} after iteration {i} (resumed at iteration '
                         f'{resumed_at}): expected {e!r}, got {a!r}')
    return lines


def explain_load_failure(error, saved, targets, what='extension'):
    """Plain words for why ``saved`` content could not be loaded into an
    object whose ``serialize`` hands the deserializer ``targets`` (by key,
    as ``runners.records.target_types`` observes them): a state whose type
    cannot hold the saved dtype, or the error."""
    reasons = []
    for key, target in sorted(targets.items()):
        value = saved.get(key)
        if scalar_load_refused(value, target):
            reasons.append(f'{what} state {key!r} has type {type(target).__name__} and cannot '
                           f'be deserialized from {numpy.asarray(value).dtype}')
    reasons.append(f'loading the snapshot into a fresh {what} raised '
                   f'{type(error).__name__}: {error}')
    return '\n'.join(reasons)
