"""Comparing a ``LogReport`` log with the model's entries, and wording the
differences (the observation families)."""
import numpy

from conformance import tolerances

TAIL = ('epoch', 'iteration', 'elapsed_time')


def mean_bound(values):
    """How far an implementation's mean of ``values`` may be from the
    float64 model: none when every value is a Python number (Chainer adds
    them to ``0.0`` in order and divides, in Python floats); else, when a
    NumPy float32 is among them (the sum may be kept in float32: NumPy 2
    keeps ``0.0 + float32`` in float32, and rounds each later Python float
    to float32, so a tiny one underflows), ``C`` float32 roundings (unit
    roundoff on the sum of magnitudes, plus underflow) per value, over the
    count."""
    if all(isinstance(v, (int, float)) for v in values):
        return 0.0
    return tolerances.C * len(values) * (
        tolerances.unit_roundoff(numpy.float32) * sum(abs(float(v)) for v in values)
        + tolerances.underflow(numpy.float32)) / len(values)


def log_differences(expected, actual):
    """Differences between the model's ``log_entries`` (means, contributing
    values, epoch, iteration) and an implementation's log, as sentences."""
    problems = []
    if len(actual) != len(expected):
        problems.append(f'{len(actual)} log entries, the model has {len(expected)} '
                        f'(at iterations {[e[3] for e in expected]}; the implementation '
                        f'at {[a.get("iteration") for a in actual]})')
    for index, ((means, values, epoch, iteration), entry) in enumerate(zip(expected, actual)):
        keys = list(means) + list(TAIL)
        if list(entry) != keys:
            problems.append(f'entry {index}: keys {list(entry)}, expected {keys} (this order)')
            continue
        if (entry['epoch'], entry['iteration']) != (epoch, iteration):
            problems.append(f'entry {index}: epoch/iteration {entry["epoch"]}/'
                            f'{entry["iteration"]}, expected {epoch}/{iteration}')
        if not isinstance(entry['elapsed_time'], float):
            problems.append(f'entry {index}: elapsed_time {entry["elapsed_time"]!r} '
                            'is not a float')
        for key, mean in means.items():
            got = entry[key]
            if not isinstance(got, float) or abs(got - mean) > mean_bound(values[key]):
                problems.append(f'entry {index}: {key} = {got!r}, expected the mean '
                                f'{mean!r} of {values[key]!r} (within '
                                f'{mean_bound(values[key])!r}, a Python float)')
    return problems


def explain_log(scenario, expected, actual):
    return ('LogReport.log differs from the model of Chainer 7.8.1\n'
            f'  scenario: {scenario}\n  ' + '\n  '.join(log_differences(expected, actual))
            + f'\n  log: {actual}')
