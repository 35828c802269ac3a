"""``scripts/matrix.py``'s merge: two small reports in the report schema
become the matrix's family table, its failure list (with the causes of
docs/matrix-notes.toml joined in), the scripts it keeps and the migration
guide.  No environment is built and no suite is run."""
import importlib.util
import json
import pathlib

import pytest

from conformance import report

SCRIPT = pathlib.Path(__file__).resolve().parents[1] / 'scripts' / 'matrix.py'


def _script():
    spec = importlib.util.spec_from_file_location('matrix', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


matrix = _script()


def _prop(id_, family, outcome, *, message=None, reason=None, failure=None, repro=None,
          blob=None):
    return {'id': id_, 'family': family, 'level': 'must', 'source': 'chainer/x.py:f@v7.8.1',
            'outcome': outcome, 'failure': failure, 'message': message, 'reason': reason,
            'duration': 0.1, 'repro': repro, 'repro_file': None,
            'counterexample': {'hypothesis': '6.170.15', 'blob': blob} if blob else None}


def _report(name, version, spec, properties):
    document = {
        'format': report.FORMAT, 'suite': {'name': 'chainer-conformance', 'version': '0.1.0'},
        'implementation': {'spec': spec, 'name': name, 'version': version,
                           'file': f'/somewhere/{name}/__init__.py', 'resolved_as': 'module'},
        'device': 'cpu',
        'hypothesis': {'version': '6.170.15', 'profile': 'ci', 'max_examples': 25, 'seed': '0'},
        'expectations': {'file': None, 'problems': []},
        'unsupported': {'families': [], 'names': ['training.extensions.PlotReport'],
                        'devices': []},
        'summary': report.summary(properties),
        'properties': properties,
    }
    assert report.validate(document) == [], report.validate(document)
    return document


OLD = _report('chainer', '6.7.0', 'chainer', [
    _prop('test_a.py::test_one', 'trainer-core', 'passed'),
    _prop('test_a.py::test_two[x]', 'trainer-core', 'failed',
          message='conformance.namespace.ImplementationLacks: implementation lacks '
                  'Trainer.extend(call_before_training=)\nmore',
          failure='lacks', repro="search_dir='/repo'\n# /repo/.matrix/chainer\n"),
    _prop('test_b.py::test_three', 'iterators', 'failed', message='epoch 1 != 2',
          failure='rule', repro='print(3)\n'),
    _prop('test_b.py::test_four', 'iterators', 'xfailed', reason='chainer diverges: docs',
          blob='AAA'),
    _prop('test_b.py::test_five', 'iterators', 'unsupported', reason='unsupported: x'),
])
PPE = _report('implementations.ppe', '0.9.0', 'implementations.ppe', [
    _prop('test_a.py::test_one', 'trainer-core', 'passed'),
    _prop('test_c.py::test_log_report_keeps_its_keys', 'observation', 'xfailed',
          reason='ppe LogReport drops the keys (pytorch_pfn_extras/training/extensions/'
                 'log_report.py:LogReport.__call__)', blob='AXic'),
    _prop('test_c.py::test_six', 'observation', 'skipped', reason='needs a GPU'),
    _prop('test_b.py::test_four', 'iterators', 'xfailed', reason='as Chainer: docs'),
])
CHAINER = _report('chainer', '7.8.1', 'chainer', [
    _prop('test_a.py::test_one', 'trainer-core', 'passed'),
    _prop('test_b.py::test_four', 'iterators', 'xfailed', reason='chainer diverges: docs'),
])
NOTES = [
    {'columns': 'chainer-[56].*', 'message': r'lacks Trainer\.extend\(call_before_training=\)',
     'cause': 'call_before_training= added in Chainer v7.0.0', 'link': 'https://example.org/1'},
    {'columns': ['ppe'], 'property': 'test_c.py::test_log_report_*',
     'cause': 'ppe behaviour', 'means': 'read the log from the manager, not the file'},
    {'columns': '*', 'property': 'test_z.py::*', 'cause': 'explains nothing here'},
]


def _records():
    def record(key, title, impl, document, state='ran', reason=None):
        return {'key': key, 'title': title, 'impl': impl, 'venv': f'.matrix/{key}',
                'state': state, 'reason': reason, 'build_seconds': 1.0, 'run_seconds': 12.4,
                'environment': {'python': '3.11.7'}, 'report': document}
    return [record('chainer-7.8.1', 'Chainer 7.8.1', 'chainer', CHAINER),
            record('chainer-6.7.0', 'Chainer 6.7.0', 'chainer', OLD),
            record('ppe', 'ppe', 'implementations.ppe', PPE),
            record('chainer-5.4.0', 'Chainer 5.4.0', 'chainer', None, state='not built',
                   reason='make .matrix/chainer-5.4.0-py3.11/.installed failed: boom')]


def test_the_family_table_has_a_row_per_family_and_a_cell_per_column():
    document, _ = matrix.merge(_records(), NOTES)
    text = matrix.to_markdown(document)
    rows = {line.split(' | ')[0].lstrip('| '): line for line in text.splitlines()
            if line.startswith('| ') and ' / ' in line}
    # passed / failed / expected failure / unsupported / skipped, per column
    assert rows['trainer-core'] == ('| trainer-core | 1 / 0 / 0 / 0 / 0 | 1 / **1** (1 lacks) '
                                    '/ 0 / 0 / 0 | 1 / 0 / 0 / 0 / 0 | not built |'), text
    assert rows['iterators'] == ('| iterators | 0 / 0 / 1 / 0 / 0 | 0 / **1** / 1 / 1 / 0 '
                                 '| 0 / 0 / 1 / 0 / 0 | not built |'), text
    assert rows['observation'] == ('| observation | – | – | 0 / 0 / 1 / 0 / 1 '
                                   '| not built |'), text
    assert rows['**total**'] == ('| **total** | 1 / 0 / 1 / 0 / 0 | 1 / **2** (1 lacks) / 1 / 1 '
                                 '/ 0 | 1 / 0 / 2 / 0 / 1 | not built |'), text
    assert ('**not built**: make .matrix/chainer-5.4.0-py3.11/.installed failed: boom'
            in text), text
    assert '| 1 s | 12 s |' in text, text


def test_every_failure_is_listed_with_its_kind_reason_cause_and_script():
    document, scripts = matrix.merge(_records(), NOTES)
    failures = [(f['column'], f['id'], f['kind'], f['reason'], f['cause'], f['repro'])
                for f in document['failures']]
    assert failures == [
        ('chainer-6.7.0', 'test_a.py::test_two[x]', 'lacks',
         'ImplementationLacks: implementation lacks Trainer.extend(call_before_training=)',
         'call_before_training= added in Chainer v7.0.0',
         'matrix-repro/chainer-6.7.0/repro_test_two_x.py'),
        ('chainer-6.7.0', 'test_b.py::test_three', 'rule', 'epoch 1 != 2', None,
         'matrix-repro/chainer-6.7.0/repro_test_three.py'),
    ]
    text = matrix.to_markdown(document)
    assert '## Failures: 2, 1 unexplained' in text, text
    assert ('| `chainer-6.7.0` | `test_b.py::test_three` | rule | epoch 1 != 2 '
            '| **unexplained** | [repro_test_three.py](matrix-repro/chainer-6.7.0/'
            'repro_test_three.py) |') in text, text
    assert '[call_before_training= added in Chainer v7.0.0](https://example.org/1)' in text
    # Chainer's own expected failures are not repeated; ppe's are its divergences.
    assert [(e['id'], e['same_as_chainer']) for e in document['expected_failures']] == [
        ('test_c.py::test_log_report_keeps_its_keys', False), ('test_b.py::test_four', True)]
    assert document['unused_notes'] == [NOTES[2]]
    assert 'explains nothing here' in text
    assert set(scripts) == {'matrix-repro/chainer-6.7.0/repro_test_two_x.py',
                            'matrix-repro/chainer-6.7.0/repro_test_three.py',
                            'matrix-repro/ppe/repro_test_log_report_keeps_its_keys.py',
                            'matrix-repro/ppe/repro_test_four.py'}
    assert scripts['matrix-repro/chainer-6.7.0/repro_test_three.py'] == 'print(3)\n'
    replay = scripts['matrix-repro/ppe/repro_test_log_report_keeps_its_keys.py']
    assert "blob=('6.170.15', 'AXic')" in replay and "'implementations.ppe'" in replay, replay
    json.dumps(document)


def test_scripts_name_paths_inside_the_checkout_relative_to_it():
    assert matrix.portable("search_dir='/repo'\n# /repo/.matrix/chainer\n", root='/repo') == \
        "search_dir='.'\n# .matrix/chainer\n"


def test_the_migration_guide_gives_each_ppe_divergence_its_meaning_and_script():
    document, _ = matrix.merge(_records(), NOTES)
    text = matrix.to_migrating(document)
    assert ('1 properties pass, 2 diverge (2 declared in `implementations/ppe.expectations.toml`'
            ', 0 not declared; 1 of them Chainer 7.8.1 fails too)') in text, text
    four = text[text.index('### four'):]
    assert '- ppe: as Chainer: docs' in four and 'Chainer 7.8.1 itself fails' in four, text
    assert 'Chainer 7.8.1 itself fails' not in text[:text.index('### four')], text
    assert '## observation' in text and '### log report keeps its keys' in text, text
    assert '- ppe: ppe LogReport drops the keys (pytorch_pfn_extras/' in text, text
    assert '- For a training script: read the log from the manager, not the file' in text
    assert '(matrix-repro/ppe/repro_test_log_report_keeps_its_keys.py)' in text, text
    assert '`training.extensions.PlotReport`' in text, text


def test_without_a_ppe_run_the_guide_says_why(tmp_path):
    records = _records()
    records[2].update(state='not built', reason='not in the tree: implementations/ppe.py',
                      report=None)
    document, scripts = matrix.merge(records, NOTES)
    assert 'not built: not in the tree: implementations/ppe.py' in matrix.to_migrating(document)
    assert 'not built' in matrix.to_markdown(document)
    matrix.write(document, scripts, docs=str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'matrix-repro', 'matrix.json', 'matrix.md', 'migrating.md']
    assert (tmp_path / 'matrix-repro' / 'chainer-6.7.0' / 'repro_test_three.py').exists()


def test_notes_match_on_column_property_and_message():
    prop = {'id': 'test_a.py::test_two[x]', 'message': 'implementation lacks '
            'Trainer.extend(call_before_training=)', 'reason': None}
    assert matrix.note_for(NOTES, 'chainer-6.7.0', prop) is NOTES[0]
    assert matrix.note_for(NOTES, 'chainer-7.1.0', prop) is None
    assert matrix.note_for(NOTES, 'ppe', dict(prop, id='test_c.py::test_log_report_x')) \
        is NOTES[1]


def test_the_notes_file_is_well_formed():
    notes = matrix.read_notes()
    assert notes and all(n['cause'].strip() for n in notes)


def test_a_malformed_note_is_refused_naming_it(tmp_path):
    path = tmp_path / 'notes.toml'
    path.write_text('[[note]]\ncolumns = "x"\nmessage = "("\ncause = "c"\n')
    with pytest.raises(ValueError, match='note 1: message is no regular expression'):
        matrix.read_notes(str(path))


def test_a_failures_line_names_its_exception_without_module_or_object_address():
    """The matrix is regenerated by reruns: its lines must not change with them."""
    text = ('conformance.namespace.AssertionError: <chainer.training.triggers.interval_trigger.'
            'IntervalTrigger object at 0x7f1096bbee10> has no __str__\nmore')
    assert matrix.first_line(text) == ('AssertionError: <chainer.training.triggers.'
                                       'interval_trigger.IntervalTrigger object> has no __str__')
