"""The reference reproduces the traces Chainer recorded (fixtures/), with no
Chainer at hand.

Every corpus entry (fixtures/corpus.py) is played on the reference with
the same runner that recorded it on Chainer, and the two traces must be
the same: bitwise, but for floating NumPy values, which may differ within
``tolerances.RECORDED_ULPS`` because the recording may come from another
CPU's BLAS kernel or another NumPy major (``codec.difference``).  This
holds in every lane (NumPy 1 and 2, Python 3.11 to 3.13): nothing here is
skipped.  Re-record after changing the corpus with
``.venv/bin/python fixtures/record.py``.  Nothing here imports Chainer;
``test_the_comparison_runs_without_chainer`` proves it.
"""
import contextlib
import io
import json
import os
import subprocess
import sys
import warnings

import numpy
import pytest

import reference
from conformance import diff, spec
from conformance.namespace import Namespace
from fixtures import codec, corpus
from tests.meta.suite_runner import CONFORMANCE, ROOT

REFERENCE = Namespace(reference)
RECORD = '.venv/bin/python fixtures/record.py'


def recorded(entry):
    if not os.path.exists(entry.path):
        pytest.fail(f'{entry.id}: no recorded trace at {os.path.relpath(entry.path, ROOT)}; '
                    f'record it with {RECORD}')
    with open(entry.path, encoding='utf-8') as f:
        return json.load(f)


@pytest.mark.parametrize('entry', corpus.ENTRIES, ids=[e.id for e in corpus.ENTRIES])
def test_reference_matches_the_recorded_chainer_trace(entry, tmp_path):
    document = recorded(entry)
    stale = diff.side_by_side(codec.normalized(entry.scenario), document['scenario'],
                              names=('corpus', 'recorded'))
    if stale is not None:
        raise AssertionError(f'{entry.id}: the trace was recorded for another scenario; '
                             f're-record with {RECORD}\n{stale}')
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter('ignore')
        trace = entry.trace(REFERENCE, str(tmp_path))
    versions = ', '.join(f'{k} {v}' for k, v in sorted(document['recorded_with'].items()))
    message = codec.difference(trace, document['trace'], names=('reference', 'chainer'))
    if message is not None:
        raise AssertionError(f'{entry.id}: the reference departs from the trace recorded '
                             f'with {versions} (runner {document["runner"]}):\n{message}')


def test_every_family_with_properties_has_recorded_traces(pytester):
    items, _ = pytester.inline_genitems(str(CONFORMANCE), '--impl=reference')
    families = {item.get_closest_marker('conformance').kwargs['family'] for item in items
                if item.get_closest_marker('conformance')}
    # The differential family plays the other families' scenarios: nothing of
    # its own; cross-device needs Chainer on a GPU, which the recorder has not.
    missing = (families - {'differential', 'cross-device'}
               - {entry.family for entry in corpus.ENTRIES})
    assert not missing, f'families with properties but no corpus entry: {sorted(missing)}'
    unknown = {entry.family for entry in corpus.ENTRIES} - set(spec.FAMILIES)
    assert not unknown, f'corpus entries of unknown families: {sorted(unknown)}'


def test_every_trace_file_belongs_to_the_corpus():
    files = {os.path.join(folder, name) for folder, _, names in os.walk(corpus.TRACES)
             for name in names if name.endswith('.json')}
    stale = files - {entry.path for entry in corpus.ENTRIES}
    assert not stale, (f'trace files of no corpus entry (remove them with {RECORD}): '
                       f'{sorted(os.path.relpath(p, ROOT) for p in stale)}')


def test_every_trace_names_the_versions_that_recorded_it():
    for entry in corpus.ENTRIES:
        document = recorded(entry)
        assert document['id'] == entry.id and document['family'] == entry.family, entry.id
        versions = document['recorded_with']
        assert versions['chainer'] == '7.8.1', f'{entry.id}: recorded with {versions}'
        assert set(versions) == {'chainer', 'numpy', 'python'}, f'{entry.id}: {versions}'


def test_the_comparison_runs_without_chainer():
    """The comparison above, in a fresh interpreter where ``import chainer`` fails."""
    code = ('import sys, pytest\n'
            "sys.modules['chainer'] = None\n"
            f"sys.exit(pytest.main([{__file__!r}, '-q', '-x', '-p', 'no:cacheprovider', "
            "'-k', 'matches_the_recorded']))")
    result = subprocess.run([sys.executable, '-c', code], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, (
        f'without chainer, the comparison fails:\n{result.stdout[-4000:]}{result.stderr[-2000:]}')
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith(f'{len(corpus.ENTRIES)} passed') and 'skipped' not in summary, (
        f'without chainer, not every entry was compared: {summary}')


def test_a_recorded_trace_tolerates_rounding_but_not_a_formula_change():
    """The tolerance for recorded traces lets a few ulps through, in floating
    NumPy values only; a larger change, a dtype, a Python float or an int
    differing by one unit is a difference."""
    recorded = codec.normalized({'p': numpy.array([0.6063404, -0.0548], numpy.float32),
                                 'lr': 0.05, 't': 3, 'v': numpy.float16(0.00186)})
    p = numpy.array([0.6063404, -0.0548], numpy.float32)
    close = p.copy()
    close[0] = numpy.nextafter(numpy.nextafter(p[0], 1), 1)      # two ulps
    assert codec.difference({'p': close, 'lr': 0.05, 't': 3, 'v': numpy.float16(0.00186)},
                            recorded) is None
    for changed in ({'p': p * numpy.float32(1.001)}, {'p': p.astype(numpy.float64)},
                    {'lr': 0.05 + 1e-17}, {'lr': numpy.float64(0.05)}, {'t': 4},
                    {'v': numpy.float16(0.002)}, {'p': numpy.array([numpy.nan, -0.0548],
                                                                   numpy.float32)}):
        trace = {'p': p, 'lr': 0.05, 't': 3, 'v': numpy.float16(0.00186), **changed}
        assert codec.difference(trace, recorded) is not None, changed


def test_the_recorder_check_finds_a_changed_trace(tmp_path, monkeypatch):
    """``record.py --check`` reports an entry whose recorded trace departs
    from what is played now, beyond the tolerance."""
    from fixtures import record
    entry = next(e for e in corpus.ENTRIES if e.id == 'shift-schedules/PolynomialShift')
    trace = record.play(entry, REFERENCE)
    assert record.staleness(entry, trace) is None
    document = recorded(entry)
    moved = json.loads(json.dumps(document))
    weights = moved['trace']['state']['updater/model:main/l1/W']
    weights['data'][0][0] *= 1.01
    monkeypatch.setattr(corpus.Entry, 'path', property(lambda self: str(tmp_path / 'e.json')))
    (tmp_path / 'e.json').write_text(json.dumps(moved))
    why = record.staleness(entry, trace)
    assert why is not None and 'l1/W' in why, why
