"""What ``LogReport``, ``PrintReport``, the value observers, ``MicroAverage``,
``FailOnNonNumber`` and ``ParameterStatistics`` make of a report stream
(family 'observation').

Each update of a scenario reports chosen keys and values (Python ints and
floats, NumPy float32), some keys through the model the trainer registered
as ``main`` (so observed as ``main/<key>``); the model of Chainer's rules is
``conformance/models/observation.py`` (SEMANTICS J5, J6, M1-M6).
"""
import io
import json
import os
import warnings

import numpy
import pytest
from hypothesis import assume, example, given, strategies as st

from conformance import harness
from conformance.diff import model_mismatch
from conformance.diff.observation import explain_log, log_differences, mean_bound
from conformance.models import observation as model
from conformance.models.triggers import interval_fires
from conformance.runners import observation as runner
from conformance.spec import diverges, rule
from conformance.strategies import observation as scenarios
from conformance.strategies.optim import link_trees

LOG_SOURCE = 'chainer/training/extensions/log_report.py:LogReport.__call__@v7.8.1 (SEMANTICS J6)'


def expected_log(scenario):
    return model.log_entries(scenario.stream(), scenario.states(), scenario.keys,
                             scenario.trigger)


@rule('observation', source=LOG_SOURCE)
@given(scenario=scenarios.stream_scenarios(), postprocess=st.booleans())
def test_log_report_log_holds_the_interval_means_with_epoch_iteration_and_time(
        out_dir, ns, scenario, postprocess):
    """At each firing of its trigger ``LogReport`` appends the means of the
    keys observed since its last entry (all keys, or those of ``keys``), in
    the order they were first seen, then ``epoch``, ``iteration`` and
    ``elapsed_time``; every mean is a Python float.  A ``postprocess`` gets
    each entry, and may change it, before it is stored."""
    expected = expected_log(scenario)

    def mark(entry):
        entry['postprocessed'] = True

    log, _, _ = runner.run_log_report(ns, out_dir, scenario,
                                      postprocess=mark if postprocess else None)
    if postprocess:
        marks = [entry.pop('postprocessed', None) for entry in log]
        assert marks == [True] * len(log), (f"'postprocessed' set by postprocess in each "
                                            f'entry: {marks}\n  {scenario}')
    assert not log_differences(expected, log), explain_log(scenario, expected, log)


@rule('observation', source=LOG_SOURCE + ' (SEMANTICS M1)')
@given(scenario=scenarios.stream_scenarios())
def test_log_report_rewrites_its_json_file_with_the_whole_log_at_each_entry(
        out_dir, ns, scenario):
    """After each entry the file ``out/<filename formatted with the
    entry>`` holds the whole log so far as JSON (``json.dump`` with
    ``indent=4``); before the first entry there is none, and no other file
    is left in ``out``.  The temporary ``log.json`` is written inside
    ``out``: a ``log.json`` in the working directory is left alone, and
    the system's temporary directory is not used."""
    with runner.working_directory_holding(out_dir, 'log.json') as held, \
            runner.system_temp_directory_missing(out_dir) as missing:
        try:
            log, seen, files = runner.run_log_report(ns, out_dir, scenario)
        except OSError as error:
            if missing not in str(error):
                raise
            raise AssertionError(
                'LogReport made its temporary file in the system\'s temporary directory, '
                f'not in a temporary directory inside out: {error}') from error
        cwd = held()
    assert cwd == [('log.json', 'not a log')], (
        f'the working directory\'s log.json was touched: it holds {cwd}\n  {scenario}')
    layouts = [(name, content[1], json.dumps(content[0], indent=4))
               for name, content in seen if content is not None]
    wrong = [(name, text) for name, text, dumped in layouts if text != dumped]
    assert not wrong, (f'log files not laid out as json.dump(log, f, indent=4): {wrong[:1]}'
                       f'\n  {scenario}')
    seen = [(name, None if content is None else content[0]) for name, content in seen]
    count = [sum(1 for e in expected_log(scenario) if e[3] <= state[0])
             for state in scenario.states()]
    # The expected file names are formatted with the log's own entries: a
    # short log is a mismatch of the log, not an index out of its range.
    assert len(log) >= max(count, default=0), model_mismatch(
        scenario, [e[3] for e in expected_log(scenario)],
        [entry.get('iteration') for entry in log], 'iterations of the log entries')
    expected = [(scenario.filename.format(**log[k - 1]) if k else scenario.filename,
                 log[:k] if k else None) for k in count]
    assert seen == expected, model_mismatch(
        scenario, expected, seen, '(log file, its JSON content) after each update')
    names = sorted({scenario.filename.format(**entry) for entry in log})
    assert files == names, f'files left in out: {files}, expected {names}\n  {scenario}'


@rule('observation', source=LOG_SOURCE + ' (SEMANTICS M1)')
@given(scenario=scenarios.stream_scenarios(max_iterations=4))
def test_log_report_with_log_name_none_keeps_its_log_and_writes_no_file(
        out_dir, ns, scenario):
    """``log_name=None``: "it does not output the log to any file"; the
    log itself is kept as usual."""
    expected = expected_log(scenario)
    log, _, files = runner.run_log_report(ns, out_dir, scenario, log_name_none=True)
    assert files == [], f'files written with log_name=None: {files}'
    assert len(log) == len(expected), explain_log(scenario, expected, log)


@rule('observation', source='chainer/training/extensions/log_report.py:LogReport.__init__'
      '@v7.8.1 (SEMANTICS M1)')
@diverges('chainer', reason='LogReport(filename=None) writes out/log: the code falls back to '
          "log_name's default 'log', where the docs say a None name writes no file",
          source='chainer/training/extensions/log_report.py:LogReport.__init__@v7.8.1')
@given(scenario=scenarios.stream_scenarios(max_iterations=3))
@example(scenario=scenarios.StreamScenario(n=2, batch_size=1, reports=((),)))
def test_log_report_with_filename_none_writes_no_file(out_dir, ns, scenario):
    """Documented: "filename (str): Name of the log file under the output
    directory. ... If the log name is None, it does not output the log to
    any file"."""
    out = runner.fresh_dir(out_dir)
    trainer = runner.stream_trainer(ns, out, scenario)
    trainer.extend(harness.call_with('training.extensions.LogReport', ns.training.extensions.LogReport,
                                     trigger=(1, 'iteration'), filename=None))
    trainer.run()
    assert os.listdir(out) == [], f'files written with filename=None: {os.listdir(out)}'


@rule('observation', source='chainer/training/extensions/print_report.py:PrintReport@v7.8.1 '
      '(SEMANTICS M2)', level='quirk')
@given(scenario=scenarios.stream_scenarios(max_iterations=5),
       entries=st.lists(st.sampled_from(['epoch', 'iteration', 'main/loss', 'main/accuracy',
                                         'x', 'absent', 'main/a/b', 'a_rather_long_name']),
                        unique=True, min_size=1, max_size=4))
def test_print_report_prints_the_header_once_then_one_row_per_log_entry(
        out_dir, ns, scenario, entries):
    """The header (each entry padded to ``max(10, len)``, two spaces apart)
    at the first call, then for each new log entry ``ESC [J`` and a row:
    values with ``{:<Wg}`` and two spaces, a missing key as blanks; the
    stream is flushed after each row."""
    text, log, flushed = runner.run_print_report(ns, out_dir, scenario, entries)
    expected = model.print_report_text(entries, log)
    assert text == expected, model_mismatch(
        scenario, expected.splitlines(True), text.splitlines(True), 'PrintReport lines',
        f'entries {entries}, log {log}')
    row_ends = [i + 1 for i, c in enumerate(expected) if c == '\n'][1:]
    assert flushed == row_ends, model_mismatch(
        scenario, row_ends, flushed, 'length of the text at each flush of out')


@rule('observation', source='chainer/training/extensions/print_report.py:'
      'PrintReport.__call__@v7.8.1', level='quirk')
@given(log_report=st.sampled_from([3, 2.5, None, ('LogReport',), b'LogReport']))
def test_print_report_refuses_a_log_report_neither_named_nor_a_log_report(
        out_dir, ns, log_report):
    """``log_report`` is the name of a registered extension or a
    ``LogReport``; anything else makes the first call raise ``TypeError:
    log report has a wrong type <its type>``."""
    trainer = harness.make_trainer(ns, out_dir, stop=(1, 'iteration'))
    trainer.extend(ns.training.extensions.PrintReport(['iteration'], log_report=log_report,
                                                      out=io.StringIO()))
    expected = f'log report has a wrong type {type(log_report)}'
    with pytest.raises(TypeError) as error:
        trainer.run()
    assert str(error.value) == expected, (
        f'PrintReport(log_report={log_report!r}): message\n expected: {expected!r}\n got:      '
        f'{str(error.value)!r}')


NOT_REGISTERED = 'Given observer is not registered to the reporter.'


@rule('observation', source='chainer/reporter.py:Reporter.report@v7.8.1; '
      'Reporter.add_observer@v7.8.1; Reporter.add_observers@v7.8.1')
@given(names=st.lists(st.sampled_from(['a', 'b', 'c/d']), min_size=1, max_size=3, unique=True),
       prefix=st.sampled_from(['', 'p/']),
       reports=st.lists(st.tuples(st.integers(-1, 2), st.sampled_from(['x', 'y'])),
                        min_size=1, max_size=4))
def test_a_reporter_stores_each_observers_values_under_its_registered_name(
        ns, names, prefix, reports):
    """``add_observer(name, o)`` registers ``o`` as ``name`` and
    ``add_observers(prefix, [(name, o), ...])`` as ``prefix + name``;
    ``report({key: v}, o)`` stores ``<name>/<key>``, ``report`` without an
    observer the key as it is, a later value replacing an earlier one; an
    observer never registered raises ``KeyError`` with Chainer's message and
    stores nothing."""
    reporter = ns.Reporter()
    observers = [object() for _ in names]
    stranger = object()
    reporter.add_observer(names[0], observers[0])
    reporter.add_observers(prefix, list(zip(names[1:], observers[1:])))
    registered = [names[0]] + [prefix + name for name in names[1:]]
    expected = {}
    for value, (at, key) in enumerate(reports):
        if at == len(names):           # the unregistered observer
            before = dict(reporter.observation)
            with pytest.raises(KeyError) as error:
                reporter.report({key: float(value)}, stranger)
            assert error.value.args == (NOT_REGISTERED,), (
                f'report(..., <unregistered observer>) raised KeyError{error.value.args}, '
                f'expected KeyError({NOT_REGISTERED!r})')
            assert dict(reporter.observation) == before, (
                f'report(..., <unregistered observer>) stored {dict(reporter.observation)}, '
                f'expected it left as {before}')
            continue
        if at == -1:
            reporter.report({key: float(value)})
            expected[key] = float(value)
        else:
            at %= len(names)
            reporter.report({key: float(value)}, observers[at])
            expected[f'{registered[at]}/{key}'] = float(value)
    got = {k: float(v) for k, v in reporter.observation.items()}
    assert got == expected, (
        f'observers registered as {registered} (add_observer, then add_observers with prefix '
        f'{prefix!r}); reports (observer index, -1 none, {len(names)} unregistered; key) '
        f'{reports}: observation {got}, expected {expected}')


@rule('observation', source='chainer/reporter.py:Reporter.scope@v7.8.1; '
      'report_scope@v7.8.1; report@v7.8.1 (SEMANTICS J3)')
@given(how=st.sampled_from(['Reporter.scope', 'report_scope']), raises=st.booleans(),
       inner=st.lists(st.sampled_from(['x', 'y']), max_size=2),
       outer=st.lists(st.sampled_from(['x', 'z']), max_size=2))
def test_a_report_scope_collects_into_its_dict_and_restores_the_previous_one(
        ns, how, raises, inner, outer):
    """``reporter.scope(d)`` makes the reporter current with ``d`` as its
    observation; ``report_scope(d)`` swaps the current reporter's
    observation for ``d``.  ``report`` inside goes to ``d`` alone.  After
    the block the previous dict (and current reporter) is back, even when
    the body raised for ``Reporter.scope``; ``report_scope`` restores only
    on a normal exit (no ``finally``), so after an error the reporter
    keeps ``d``.  Outside every reporter, ``report`` does nothing."""
    ns.report({'nowhere': 1.0})      # no reporter in use: a no-op
    reporter, previous, collected = ns.Reporter(), {}, {}
    reporter.observation = previous
    with reporter:
        for key in outer:
            ns.report({key: 1.0})
        try:
            scope = reporter.scope(collected) if how == 'Reporter.scope' \
                else ns.report_scope(collected)
            with scope:
                current = ns.get_current_reporter()
                for key in inner:
                    ns.report({key: 2.0})
                if raises:
                    raise KeyError('in the body')
        except KeyError:
            pass
        after = reporter.observation
    assert current is reporter, f'inside {how}(d) the current reporter is another one'
    assert collected == {k: 2.0 for k in inner} and previous == {k: 1.0 for k in outer}, (
        f'{how}(d): reported {inner} inside and {outer} outside; d holds {collected}, the '
        f'previous observation {previous}')
    keeps = how == 'report_scope' and raises
    assert after is (collected if keeps else previous), (
        f'after {how}(d) {"raised" if raises else "ended"}, the reporter observes into '
        f'{"d" if after is collected else "the previous dict" if after is previous else after}'
        f', expected {"d (no finally)" if keeps else "the previous dict"}')


@rule('observation', source='chainer/reporter.py:get_current_reporter@v7.8.1; '
      'Reporter.__enter__@v7.8.1; chainer/training/trainer.py:Trainer.run@v7.8.1')
@given(depth=st.integers(1, 3))
def test_get_current_reporter_is_the_innermost_reporter_in_use(out_dir, ns, depth):
    """``with reporter:`` makes a reporter current until the block ends,
    nested scopes stacking; during ``Trainer.run`` the trainer's
    ``reporter`` is current, in the loss and in an extension."""
    reporters = [ns.Reporter() for _ in range(depth)]
    for k, reporter in enumerate(reporters):
        reporter.__enter__()
        assert ns.get_current_reporter() is reporter, (
            f'inside {k + 1} nested reporter scopes, get_current_reporter() is not the innermost')
    for k, reporter in reversed(list(enumerate(reporters))):
        assert ns.get_current_reporter() is reporter, (
            f'after leaving {depth - k - 1} of {depth} nested reporter scopes, '
            'get_current_reporter() is not the innermost left')
        reporter.__exit__(None, None, None)
    seen = []
    zero_loss = harness.zero_loss(ns)

    def loss(*args):
        seen.append(('loss', ns.get_current_reporter()))
        return zero_loss()
    trainer = harness.make_trainer(ns, out_dir, stop=(2, 'iteration'), loss_func=loss)
    trainer.extend(lambda trainer: seen.append(('extension', ns.get_current_reporter())))
    trainer.run()
    wrong = [where for where, reporter in seen if reporter is not trainer.reporter]
    assert len(seen) == 4 and not wrong, (
        f'during Trainer.run, get_current_reporter() is not trainer.reporter in: {wrong} '
        f'({len(seen)} calls seen)')


@rule('observation', source='chainer/training/trainer.py:Trainer.__init__@v7.8.1; '
      'chainer/link.py:Chain.namedlinks@v7.8.1; ChainList.namedlinks@v7.8.1 (SEMANTICS J1)')
@given(main=link_trees(), other=st.none() | link_trees(max_links=3),
       other_name=st.sampled_from(['dis', 'gen']))
def test_the_trainer_registers_every_link_of_each_optimizers_target_as_an_observer(
        out_dir, ns, main, other, other_name):
    """Built, the trainer registers each optimizer's target as the
    optimizer's name (``main``) and each link below it as that name plus
    the link's path (``main/l1``, ``main/enc/0``), so a report with one of
    them as observer is stored as ``<that name>/<key>``.  A link made later
    (a child added to a target, a new link) is not registered: a report
    with it raises ``KeyError``."""
    trees = {'main': main} if other is None else {'main': main, other_name: other}
    observation, refused = runner.trainer_observers(ns, out_dir, trees)
    paths = {name: tree.link_paths() for name, tree in trees.items()}
    registered = [f'{name}{path}' for name, links in paths.items() for path in links]
    context = f'optimizer targets and their links by path (namedlinks): {paths}'
    refused_registered = [(name, path) for name, path, _ in refused if name != 'late']
    assert not refused_registered, (
        f'a report with the link at (optimizer, path) {refused_registered} as observer raised '
        f'KeyError: the trainer did not register it\n  {context}')
    expected = {f'{name}/v': float(k) for k, name in enumerate(registered)}
    assert observation == expected, (
        f'reports {{"v": k}} by the k-th link: observation {observation}, expected {expected} '
        f'(observer names {registered})\n  {context}')
    late = ['a lone link'] + (['a child added to main'] if main.kind != 'Link' else [])
    got = {which: message for _, which, message in refused}
    assert got == {which: NOT_REGISTERED for which in late}, (
        f'reports with links made after the trainer: KeyError messages {got}, expected '
        f'KeyError({NOT_REGISTERED!r}) for each of {late}\n  {context}')


#: How a value added to a DictSummary is given: as a number, its value or
#: its weight in a Variable, or as a vector (which DictSummary leaves out).
WRAPPINGS = ('plain', 'value', 'weight', 'vector')


def _wrapped(ns, value, weight, wrapping):
    if wrapping == 'value':
        value = ns.Variable(numpy.asarray(value))
    elif wrapping == 'vector':
        value = numpy.full(2, value)
    if weight is None:
        return value
    if wrapping == 'weight':
        weight = ns.Variable(numpy.asarray(weight))
    return (value, weight)


@rule('observation', source='chainer/reporter.py:Summary.make_statistics@v7.8.1; '
      'DictSummary.add, make_statistics@v7.8.1 (SEMANTICS J5)')
@given(added=st.lists(st.tuples(st.sampled_from(['a', 'b/c']),
                                st.sampled_from([0.0, 1.0, -1.5, 2.5, 0.1, 3.0]),
                                st.none() | st.integers(1, 3),
                                st.sampled_from(WRAPPINGS)), min_size=1, max_size=6))
@example(added=[('a', 2.5, 2, 'weight'), ('a', 1.0, None, 'value'), ('a', 3.0, 1, 'vector')])
def test_dict_summary_statistics_are_each_keys_mean_and_standard_deviation(ns, added):
    """``DictSummary.make_statistics()`` gives, per key added, the mean
    ``x / n`` under the key and ``sqrt(x2 / n - mean * mean)`` under
    ``<key>.std``, where ``x``, ``x2`` and ``n`` sum ``w * v``, ``w * v * v``
    and ``w`` over the values added (a ``(value, weight)`` tuple weighs
    ``w``, a bare value 1).  A value or a weight may come as a ``Variable``
    holding a 0-d array (its array is used); a value that is not a scalar
    or a 0-d array (a vector) is left out."""
    summary = ns.DictSummary()
    sums = {}
    for key, value, weight, wrapping in added:
        summary.add({key: _wrapped(ns, value, weight, wrapping)})
        if wrapping == 'vector':
            continue
        w = 1 if weight is None else weight
        x, x2, n = sums.get(key, (0.0, 0.0, 0))
        sums[key] = (x + w * value, x2 + w * value * value, n + w)
    expected = {}
    with numpy.errstate(invalid='ignore'):    # a rounding below zero: NaN, as in Chainer
        for key, (x, x2, n) in sums.items():
            mean = x / n
            expected[key], expected[key + '.std'] = mean, float(numpy.sqrt(x2 / n - mean * mean))
        got = {key: float(value) for key, value in summary.make_statistics().items()}
    same = sorted(got) == sorted(expected) and all(
        got[k] == expected[k] or (numpy.isnan(got[k]) and numpy.isnan(expected[k]))
        for k in expected)
    assert same, f'make_statistics() after adding {added}: {got}, expected {expected}'


@rule('observation', level='quirk', source='chainer/reporter.py:DictSummary.serialize@v7.8.1 '
      '(SEMANTICS J5)')
@given(saved=st.lists(st.sampled_from(['a', 'b/c']), min_size=1, max_size=3),
       held=st.lists(st.sampled_from(['a', 'd']), max_size=2))
def test_a_dict_summary_loaded_without_its_names_warns_and_starts_empty(ns, saved, held):
    """Loading a ``DictSummary`` from content without ``_names`` (an older
    snapshot) warns ``The names of statistics are not saved.`` and leaves
    the summary empty, whatever it held."""
    source, target = ns.DictSummary(), ns.DictSummary()
    for key in saved:
        source.add({key: 1.0})
    for key in held:
        target.add({key: 2.0})
    harness.attribute(target, 'serialize', 'DictSummary.serialize')
    serializer = ns.serializers.DictionarySerializer()
    serializer.save(source)
    content = {k: v for k, v in serializer.target.items() if k != '_names'}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        ns.serializers.NpzDeserializer(content).load(target)
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert messages == ['The names of statistics are not saved.'], (
        f'loading without _names warned {messages}, expected Chainer\'s one warning')
    assert target.compute_mean() == {}, (
        f'after loading without _names the summary holds {target.compute_mean()}, expected '
        'nothing')


@rule('observation', level='quirk', source='chainer/reporter.py:Summary.serialize, '
      'DictSummary.serialize@v7.8.1; chainer/training/extensions/log_report.py:'
      'LogReport.serialize@v7.8.1 (SEMANTICS J5, J6)')
@given(names=st.lists(st.sampled_from(['main/loss', 'x', 'main/a/b']), min_size=1, max_size=3,
                      unique=True),
       log=st.lists(st.fixed_dictionaries({'epoch': st.integers(0, 3),
                                           'iteration': st.integers(1, 9),
                                           'main/loss': st.sampled_from([0.5, 1.25, -2.0])}),
                    max_size=3))
def test_a_log_report_loaded_without_its_statistics_warns_per_key_and_loads_its_log(
        ns, names, log):
    """Loading a ``LogReport`` whose saved summary names keys but holds no
    statistics for them (``_summary/_summaries/...`` lost) warns ``The
    previous statistics are not saved.`` once per key (each ``Summary``
    catches its own ``KeyError``, so LogReport's own ``The statistics are
    not saved.`` is never reached) and still loads the saved log."""
    source, target = ns.training.extensions.LogReport(), ns.training.extensions.LogReport()
    harness.attribute(target, 'serialize', 'training.extensions.LogReport.serialize')
    serializer = ns.serializers.DictionarySerializer()
    serializer.save(source)
    content = dict(serializer.target)
    content['_summary/_names'] = numpy.asarray(json.dumps(names))
    content['_log'] = numpy.asarray(json.dumps(log))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        ns.serializers.NpzDeserializer(content).load(target)
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    expected = ['The previous statistics are not saved.'] * len(names)
    assert messages == expected, (
        f'loading a summary naming {names} without their statistics warned {messages}, '
        f'expected {expected}')
    assert [dict(entry) for entry in target.log] == log, (
        f'the log loaded beside the lost statistics is {target.log}, expected the saved {log}')


@rule('observation', source='chainer/training/trainer.py:Trainer.run@v7.8.1; '
      'chainer/training/extensions/value_observation.py:observe_lr@v7.8.1; '
      'chainer/training/extensions/micro_average.py:MicroAverage.__call__@v7.8.1 '
      '(SEMANTICS J4, M3, M4)')
@given(scenario=scenarios.stream_scenarios(max_iterations=6),
       lr_every=st.integers(1, 2))
def test_writers_reports_reach_log_report_and_value_triggers_in_the_same_iteration(
        out_dir, ns, scenario, lr_every):
    """A PRIORITY_WRITER extension reporting through the model (``main/written``)
    and without observer (``num``, ``den``), ``observe_lr`` (``lr``),
    ``observe_value('twice', ...)`` and a ``MicroAverage`` (``ratio``,
    PRIORITY_EDITOR) all write into the observation that readers of the same
    iteration see: a reader extension, ``LogReport`` and a ``MinValueTrigger``
    on ``lr``, under exactly these names and in this order."""
    seen, log, fired = runner.run_writers_and_readers(ns, out_dir, scenario, lr_every)
    states = scenario.states()
    ratios = dict(model.micro_average(
        [{'num': s[0], 'den': 2} for s in states], states, 'num', 'den', (2, 'iteration')))
    lrs = [1.0 / (1 + s[0] % 3) if s[0] % lr_every == 0 else None for s in states]
    expected = []
    for observation, state, lr in zip(scenario.stream(), states, lrs):
        i = state[0]
        row = {k: float(v) for k, v in observation.items()}
        row.update({'main/written': 2.0 * i, 'num': float(i), 'den': 2.0})
        row.update({} if lr is None else {'lr': lr})
        row['twice'] = 2.0 * i
        row.update({'ratio': ratios[i]} if i in ratios else {})
        expected.append(row)
    as_lists = [list(row.items()) for row in expected]
    assert [list(row.items()) for row in seen] == as_lists, model_mismatch(
        scenario, as_lists, [list(row.items()) for row in seen], 'observation seen by a reader')
    logged = [{**row, 'epoch': s[1], 'iteration': s[0]} for row, s in zip(expected, states)]
    assert [list(e.items()) for e in log] == [list(e.items()) for e in logged], \
        model_mismatch(scenario, logged, log, 'LogReport.log (every iteration)')
    best, _ = model.best_value_firings(lrs, states, scenarios.COMPARES['min'],
                                       (lr_every, 'iteration'))
    assert fired == best, model_mismatch(scenario, best, fired, "MinValueTrigger('lr') firings")


@rule('observation', source='chainer/training/extensions/micro_average.py:'
      'MicroAverage.__call__@v7.8.1; MicroAverage.serialize@v7.8.1 (SEMANTICS M4)',
      level='quirk')
@example(counts=[(2, None), (None, 3), (1, 2)], period=1, interrupt=0)
@given(counts=st.lists(st.none() | st.tuples(st.integers(0, 5), st.integers(1, 5))
                       | st.tuples(st.integers(0, 5), st.none())
                       | st.tuples(st.none(), st.integers(1, 5)), min_size=1, max_size=8),
       period=st.integers(1, 3), interrupt=st.integers(0, 7))
def test_micro_average_reports_summed_ratios_and_consults_its_trigger_only_with_both_keys(
        out_dir, ns, counts, period, interrupt):
    """``MicroAverage(num, den, result, trigger)`` adds both keys where both
    are observed and only there calls its trigger (an update that reports
    one of them only is skipped); when that fires it reports ``float(sum
    num) / sum den`` and starts over.  Resumed from a ``save_npz`` snapshot
    of the trainer (taken after update ``interrupt``, 0 for none), it goes
    on with the saved sums (``_numerator``, ``_denominator``) and a fresh
    trigger."""
    at = interrupt if 0 < interrupt < len(counts) else None
    reports = tuple(tuple((key, value, True) for key, value in zip(('correct', 'total'), c)
                          if value is not None) if c else () for c in counts)
    scenario = scenarios.StreamScenario(n=3, batch_size=1, reports=reports)
    out = runner.fresh_dir(out_dir)
    reported = []

    def build(stop):
        trainer = runner.stream_trainer(ns, out, scenario, stop=(stop, 'iteration'))
        trainer.extend(ns.training.extensions.MicroAverage(
            'main/correct', 'main/total', 'main/accuracy', trigger=(period, 'iteration')))
        trainer.extend(lambda trainer: reported.append(
            (trainer.updater.iteration, float(trainer.observation['main/accuracy'])))
            if 'main/accuracy' in trainer.observation else None)
        return trainer

    trainer = build(scenario.iterations)
    if at is not None:
        first = build(at)
        first.run()
        ns.serializers.save_npz(os.path.join(out, 'snapshot'), first)
        reported.clear()
        ns.serializers.load_npz(os.path.join(out, 'snapshot'), trainer)
    trainer.run()
    expected = [(i, r) for i, r in model.micro_average(
        scenario.stream(), scenario.states(), 'main/correct', 'main/total',
        (period, 'iteration'), resumed_at=at) if at is None or i > at]
    assert reported == expected, model_mismatch(scenario, expected, reported,
                                                '(iteration, main/accuracy) reported',
                                                f'resumed after iteration {at}')


def parameter_trainer(ns, out, grads, extensions):
    """A model with ``b`` (2,) and a child ``l`` with ``w`` (3,), trained by
    SGD(lr=1) on ``sum(w * g) + sum(b * g[:2])`` with ``grads[i]`` at update ``i + 1``."""
    model_ = ns.Chain()
    with model_.init_scope():
        model_.b = ns.Parameter(numpy.array([0.5, -1.0], dtype=numpy.float32))
        model_.l = ns.Link()
        with model_.l.init_scope():
            model_.l.w = ns.Parameter(numpy.array([1.0, 2.0, -3.0], dtype=numpy.float32))
    holder = {}

    def loss(*args):
        g = numpy.asarray(grads[holder['t'].updater.iteration], dtype=numpy.float32)
        return ns.functions.sum(model_.l.w * g) + ns.functions.sum(model_.b * g[:2])

    trainer = harness.make_trainer(ns, out, n=3, stop=(len(grads), 'iteration'), model=model_,
                                   loss_func=loss, optimizer=ns.optimizers.SGD(lr=1.0))
    holder['t'] = trainer
    for extension in extensions:
        trainer.extend(extension, trigger=(1, 'iteration'))
    return trainer, model_


FINITE = st.floats(-4, 4, allow_nan=False, width=32)


@rule('observation', source='chainer/training/extensions/fail_on_nonnumber.py:'
      'FailOnNonNumber.__call__@v7.8.1 (SEMANTICS M5)')
@given(grads=st.lists(st.lists(st.one_of(FINITE, FINITE, FINITE, st.sampled_from(
    [float('nan'), float('inf'), -float('inf')])), min_size=3, max_size=3),
    min_size=1, max_size=5))
def test_fail_on_non_number_raises_after_the_first_update_that_makes_a_parameter_non_finite(
        out_dir, ns, grads):
    """``FailOnNonNumber`` raises ``RuntimeError("Kill the process since
    parameters in optimizer 'main' diverge. R.I.P.")`` at the first
    iteration whose update left a NaN or infinity in a parameter; none
    otherwise."""
    trainer, _ = parameter_trainer(ns, runner.fresh_dir(out_dir), grads,
                                   [ns.training.extensions.FailOnNonNumber()])
    bad = [i + 1 for i, g in enumerate(grads) if not numpy.isfinite(g).all()]
    message = None
    try:
        with numpy.errstate(all='ignore'):
            trainer.run()
        raised = None
    except RuntimeError as error:
        raised, message = trainer.updater.iteration, str(error)
    expected = bad[0] if bad else None
    assert raised == expected, (f'FailOnNonNumber raised at iteration {raised}, expected '
                                f'{expected}; gradients {grads}')
    expected_message = ("Kill the process since parameters in optimizer 'main' diverge. "
                        'R.I.P.' if bad else None)
    assert message == expected_message, (f'FailOnNonNumber raised {message!r}, expected '
                                         f'{expected_message!r}')


PARAMETER_STATISTICS = {
    'mean': numpy.mean, 'max': numpy.max, 'min': numpy.min,
    # an array of two (one key per element) and a 0-d array (one key)
    'range': lambda x: numpy.array([numpy.min(x), numpy.max(x)]),
    'peak': lambda x: numpy.asarray(numpy.max(numpy.abs(x))),
}
# ParameterStatistics.default_statistics, in Chainer's order
# (chainer/training/extensions/parameter_statistics.py:_default_statistics@v7.8.1)
DEFAULT_STATISTICS = {
    'mean': numpy.mean, 'std': numpy.std, 'min': numpy.min, 'max': numpy.max,
    'zeros': lambda x: numpy.count_nonzero(x == 0),
    'percentile': lambda x: numpy.percentile(x, (0.13, 2.28, 15.87, 50, 84.13, 97.72, 99.87)),
}


def statistic_entries(key, function, array, skip_nan):
    """``[(key, value)]`` for one statistic: a single NaN for an array with
    NaN under ``skip_nan_params``, one ``key/<i>`` per element of an array
    result of more than one element, else ``key``."""
    if skip_nan and numpy.isnan(array).any():
        return [(key, float('nan'))]
    value = function(array)
    if isinstance(value, numpy.ndarray) and value.size > 1:
        return [(f'{key}/{i}', float(v)) for i, v in enumerate(value)]
    return [(key, float(value))]


def nan_as_text(entries):
    return [(k, 'nan' if numpy.isnan(v) else v) for k, v in entries]


@rule('observation', source='chainer/training/extensions/parameter_statistics.py:'
      'ParameterStatistics.__call__@v7.8.1 (SEMANTICS M6)')
@given(grads=st.lists(st.lists(FINITE | FINITE | FINITE | st.just(float('nan')),
                               min_size=3, max_size=3), min_size=1, max_size=3),
       prefix=st.none() | st.just('stats'),
       report_grads=st.sampled_from([True, False, runner.DEFAULT]),
       statistics=st.sampled_from([('range', 'peak'), ('mean',), ('max', 'mean', 'range'),
                                   ('min',), 'default', 'left out']),
       registered=st.booleans(), skip_nan_params=st.booleans())
def test_parameter_statistics_reports_each_statistic_under_chainers_key(
        out_dir, ns, grads, prefix, report_grads, statistics, registered, skip_nan_params):
    """``ParameterStatistics(link, statistics, report_grads, prefix,
    skip_nan_params)`` with trigger ``(1, 'iteration')`` reports, per
    parameter of the link (in ``namedparams`` order), attribute (``data``,
    then ``grad`` unless ``report_grads`` is false; true by default) and
    statistic (in the dict's order, those added by ``register_statistics``
    after; ``'default'``, the default, is mean, std, min, max, zeros and 7
    percentiles), ``[<prefix>/]<link name><param path>/<attr>/<statistic>`` = the
    statistic of the flattened array, suffixed ``/<i>`` per element where it
    is an array of more than one; with ``skip_nan_params`` an array with a
    NaN gives a single NaN per statistic."""
    out = runner.fresh_dir(out_dir)
    seen = []
    trainer, model_ = parameter_trainer(ns, out, grads, [])
    kwargs = {} if report_grads is runner.DEFAULT else {'report_grads': report_grads}
    if isinstance(statistics, str):      # Chainer's default_statistics
        chosen, registered = DEFAULT_STATISTICS, False
        kwargs.update({} if statistics == 'left out' else {'statistics': 'default'})
    else:
        chosen = {name: PARAMETER_STATISTICS[name] for name in statistics}
        kwargs['statistics'] = None if registered else chosen
    extension = ns.training.extensions.ParameterStatistics(
        model_.l, prefix=prefix, trigger=(1, 'iteration'), skip_nan_params=skip_nan_params,
        **kwargs)
    for name, function in chosen.items() if registered else ():
        extension.register_statistics(name, function)
    trainer.extend(extension)
    trainer.extend(lambda trainer: seen.append((
        list(trainer.observation.items()),
        model_.l.w.array.copy(), model_.l.w.grad.copy())), priority=50)
    with numpy.errstate(all='ignore'):
        trainer.run()
    grads_reported = report_grads is not False
    for observation, w, grad in seen:
        expected = [entry
                    for attr, array in [('data', w)] + ([('grad', grad)] if grads_reported else [])
                    for name, function in chosen.items()
                    for entry in statistic_entries(
                        f'{prefix + "/" if prefix else ""}l/w/{attr}/{name}', function, array,
                        skip_nan_params)]
        expected = nan_as_text(expected)
        got = nan_as_text([(k, float(v)) for k, v in observation])
        assert got == expected, model_mismatch(grads, expected, got,
                                               'ParameterStatistics report',
                                               f'statistics {statistics}, report_grads '
                                               f'{report_grads}, registered {registered}, '
                                               f'skip_nan_params {skip_nan_params}')


PROGRESS_SOURCE = ('chainer/training/extensions/progress_bar.py:ProgressBar@v7.8.1; '
                   'chainer/training/extensions/util.py:ProgressBar.update@v7.8.1')


@rule('observation', source=PROGRESS_SOURCE + ' (SEMANTICS M10)', level='quirk')
@given(run=scenarios.progress_scenarios())
def test_progress_bar_draws_the_training_and_epoch_bars_every_update_interval(
        out_dir, ns, run):
    """At each update whose iteration is a multiple of ``update_interval``
    ``ProgressBar`` writes ``ESC [J``, a 50-character bar of the training
    done (iterations or epochs over the stop trigger's length, as
    ``{:6.2%}``), one of the current epoch's fraction, ``{iteration:10}
    iter, {epoch} epoch / {length} {unit}s``, a speed line (its clock parts
    not compared) and ``ESC [4A``; ``finalize`` writes ``ESC [J``."""
    scenario, stop, update_interval = run
    text = runner.run_progress_bar(ns, out_dir, scenario, stop, update_interval)
    expected = model.progress_bar_text(
        scenario.states_until(stop), update_interval, stop)
    assert text == expected, model_mismatch(
        run, expected.split('\033'), text.split('\033'), 'ProgressBar output (split at ESC)')


@rule('observation', source=PROGRESS_SOURCE + ' (SEMANTICS M10)', level='quirk')
@diverges('chainer', reason='ProgressBar builds its bar without training_length, bar_length '
          'and out, so it draws 50 characters for the stop trigger\'s length on the '
          'sys.stdout of its construction, whatever the documented arguments say',
          source='chainer/training/extensions/progress_bar.py:ProgressBar.__init__@v7.8.1',
          version='>=7')
@given(run=scenarios.progress_scenarios(),
       length=st.tuples(st.integers(1, 6), st.just('iteration'))
       | st.tuples(st.integers(1, 3), st.just('epoch')),
       bar_length=st.integers(1, 20))
@example(run=(scenarios.StreamScenario(n=2, batch_size=1, reports=()), (1, 'iteration'), 1),
         length=(2, 'iteration'), bar_length=7)
def test_progress_bar_honours_training_length_bar_length_and_out(
        out_dir, ns, run, length, bar_length):
    """Documented: ``training_length`` is the "length of whole training"
    (the stop trigger's only "if this value is omitted"), ``bar_length``
    the "length of the progress bar in characters", ``out`` the "stream to
    print the bar"; the training bar is full from the training length on."""
    scenario, stop, update_interval = run
    text = runner.run_progress_bar(ns, out_dir, scenario, stop, update_interval,
                                   documented=(length, bar_length))
    expected = model.progress_bar_text(
        scenario.states_until(stop), update_interval, length, bar_length)
    assert text == expected, model_mismatch(
        (run, length, bar_length), expected.split('\033'), text.split('\033'),
        'ProgressBar output on out= (split at ESC)')


@rule('observation', source='chainer/training/extensions/plot_report.py:'
      'PlotReport.__call__@v7.8.1; PlotReport.serialize@v7.8.1 (SEMANTICS M11)')
@given(scenario=scenarios.stream_scenarios(min_iterations=2, max_iterations=4),
       y_keys=scenarios.plot_keys(),
       x_key=st.sampled_from([None, 'iteration', 'epoch']),
       filename=st.sampled_from([runner.DEFAULT, None, 'loss.png']),
       marker=st.sampled_from([runner.DEFAULT, 'x', 'o', None]), alias=st.booleans(),
       data=st.data())
def test_plot_report_saves_a_figure_of_the_interval_means_of_its_keys_at_each_firing(
        out_dir, ns, scenario, y_keys, x_key, filename, marker, alias, data):
    """At each firing of its trigger ``PlotReport`` appends to each y key
    observed in the interval the point (``x_key``, its mean) and, if any key
    has points, saves a PNG ``out/<filename>`` (``plot.png`` by default
    or given ``None``; ``file_name`` is an alias),
    ``x_key`` (``'iteration'`` by default) as the x label, one line per
    such key in ``y_keys`` order with all its points and the given marker
    (``'x'`` by default), after calling ``postprocess(figure, axes, ...)``
    with that figure and its axes; with no point it saves nothing.  Resumed from a
    ``save_npz`` snapshot of the trainer it goes on with the saved points
    and a fresh interval (summary and trigger)."""
    at = data.draw(st.none() | st.integers(1, scenario.iterations - 1)
                   if scenario.iterations > 1 else st.none(), label='interrupted at')
    figures, files, left = runner.run_plot_report(ns, out_dir, scenario, y_keys, x_key,
                                                  filename, marker, interrupt_at=at,
                                                  alias=alias)
    x_key = x_key or 'iteration'
    marker = 'x' if marker is runner.DEFAULT else marker
    expected = model.plot_report_figures(scenario.stream(), scenario.states(), y_keys, x_key,
                                         scenario.trigger, resumed_at=at)
    context = (f'y_keys {y_keys}, x_key {x_key!r}, marker {marker!r}, resumed after {at}, '
               f'filename {filename!r}, file_name alias {alias}')
    assert files == [(i, True) for i, _ in expected], model_mismatch(
        scenario, [(i, True) for i, _ in expected], files,
        '(iteration, a PNG) where the image file was written', context)
    shape = [(i, x_key, [(key, xs, marker or 'None') for key, xs, _, _ in lines])
             for i, lines in expected]
    got = [(i, label, [(key, xs, m) for key, xs, _, m in lines])
           for i, label, lines, _ in figures]
    assert got == shape, model_mismatch(scenario, shape, got,
                                        '(iteration, x label, [(line, xs, marker)])', context)
    wrong_figure = [i for i, _, _, saved in figures if not saved]
    assert not wrong_figure, (
        f'at iterations {wrong_figure} postprocess was not given (figure, axes) with the axes '
        f'in the figure, or another figure was saved\n  {scenario}\n  {context}')
    for (i, lines), (_, _, drawn, _) in zip(expected, figures):
        for (key, _, means, values), (_, _, ys, _) in zip(lines, drawn):
            bounds = [mean_bound(v) for v in values]
            assert len(ys) == len(means) and all(
                abs(y - m) <= b for y, m, b in zip(ys, means, bounds)), (
                f'the line of {key} at iteration {i} plots {ys}, expected the interval means '
                f'{means} of {values}\n  {scenario}\n  {context}')
    assert left == [], f'files left in out: {left}'


#: element values of the statistics plots' variables: quarters, exact in float32
QUARTERS = st.integers(-16, 16).map(lambda q: q / 4)


def close_to(values):
    """``close(a, b)``: equal lengths and elements within the float32
    rounding of statistics of ``values`` (any nesting of lists)."""
    flat = numpy.abs(numpy.asarray(values, dtype=numpy.float64)).ravel()
    bound = 1e-5 * max(1.0, *flat)

    def close(a, b):
        return len(a) == len(b) and all(abs(x - y) <= bound for x, y in zip(a, b))
    return close


@rule('observation', source='chainer/training/extensions/variable_statistics_plot.py:'
      'VariableStatisticsPlot.__call__@v7.8.1; '
      'VariableStatisticsPlot.save_plot_using_module@v7.8.1')
@given(sizes=st.lists(st.integers(1, 3), min_size=1, max_size=2),
       iterations=st.integers(1, 3), period=st.integers(1, 3),
       filename=st.sampled_from([None, 'weights.png']), alias=st.booleans(), data=st.data())
def test_variable_statistics_plot_saves_the_sampled_statistics_of_its_targets_at_each_firing(
        out_dir, ns, sizes, iterations, period, filename, alias, data):
    """Every iteration ``VariableStatisticsPlot`` samples the mean, std and
    percentiles (by default those of 0 to 3 sigmas either side of the
    median, and the extremes) of all its targets' elements, and at each
    firing of its trigger saves a PNG ``out/<filename>`` (``statistics.png``
    by default; ``file_name`` is an alias) plotting every sample against
    its iteration: the mean with std error bars, bands between symmetric
    percentiles and the median as a line."""
    values = data.draw(st.lists(st.lists(QUARTERS, min_size=sum(sizes), max_size=sum(sizes)),
                                min_size=iterations, max_size=iterations), label='values')
    figures, files, left = runner.run_variable_statistics_plot(
        ns, out_dir, values, sizes, (period, 'iteration'), filename, alias=alias)
    expected = model.variable_statistics_figures(values, period)
    name = filename or 'statistics.png'
    context = f'parameter sizes {sizes}, trigger ({period}, iteration), file name {name!r}'
    assert files == [(i, True) for i, *_ in expected], model_mismatch(
        values, [(i, True) for i, *_ in expected], files,
        '(iteration, a PNG) where the image file was written', context)
    shape = [(i, name, xs) for i, xs, *_ in expected]
    got = [(i, saved, line[0]) for i, saved, line, *_ in figures]
    assert got == shape, model_mismatch(values, shape, got,
                                        '(iteration, file saved, iterations plotted)', context)
    close = close_to(values)
    for (i, xs, means, stds, percentiles), (_, _, line, bars, bands, median) in zip(
            expected, figures):
        want = {
            'means': means,
            'std error bars': [v for m, s in zip(means, stds) for v in (m - s, m + s)],
            'percentile bands': [v for j in range(4) for p in percentiles
                                 for v in (p[j], p[-j - 1])],
            'median': [p[4] for p in percentiles]}
        drawn = {
            'means': line[1],
            'std error bars': [v for span in bars for x in xs for v in span.get(float(x), ())],
            'percentile bands': [v for span in bands for x in xs
                                 for v in span.get(float(x), ())],
            'median': median[1]}
        for what in want:
            assert close(drawn[what], want[what]), (
                f'the figure saved at iteration {i} plots {what} {drawn[what]}, expected '
                f'{want[what]}\n  values {values}\n  {context}')
    assert left == [], f'files left in out: {left}'


VSP_SOURCE = 'chainer/training/extensions/variable_statistics_plot.py:'


def chosen_statistics_options(options):
    """``(keyword arguments passed, the options in effect)`` of drawn options."""
    chosen = {name: value for name, value in options.items() if value is not runner.DEFAULT}
    return chosen, dict(model.STATISTICS_PLOT_DEFAULTS, **chosen)


@rule('observation', source=VSP_SOURCE + '_unpack_variables@v7.8.1; '
      'VariableStatisticsPlot.__init__@v7.8.1; Reservoir@v7.8.1; '
      'VariableStatisticsPlot.save_plot_using_module@v7.8.1')
@given(tree=scenarios.statistics_targets(), options=scenarios.statistics_options(runner.DEFAULT),
       max_sample_size=st.none() | st.integers(1, 3), iterations=st.integers(1, 5),
       data=st.data())
def test_variable_statistics_plot_draws_the_chosen_rows_and_statistics_of_every_unpacked_variable(
        out_dir, ns, tree, options, max_sample_size, iterations, data):
    """``VariableStatisticsPlot`` observes every variable of its targets (a
    variable, a link's parameters, a list or tuple of targets, nested) and
    draws a column per row reported (``data``, then ``grad``: both by
    default): the mean with std error bars, or the one of them plotted
    (labelled ``mean`` or ``std``), above the bands of ``percentile_sigmas``
    (a scalar is one percentile, an empty sequence none).  Each figure
    plots, in order, the iterations sampled so far: all of them up to
    ``max_sample_size``, then that many of them (a random sample); every
    line has the ``marker`` given (none by default); every axis shares the
    x axis and, with ``grid`` (the default), has its grid on, drawn below
    the data; the figure has the ``figsize`` given (matplotlib's by
    default); options that plot nothing are refused."""
    chosen, settings = chosen_statistics_options(options)
    assume(settings['report_data'] or settings['report_grad'])
    if max_sample_size is not None:
        chosen['max_sample_size'] = max_sample_size
    sizes = model.unpacked_sizes(tree)
    period = data.draw(st.integers(1, min(3, iterations)), label='period')
    rows = st.lists(st.lists(QUARTERS, min_size=sum(sizes), max_size=sum(sizes)),
                    min_size=iterations, max_size=iterations)
    values = {'data': data.draw(rows, label='data'), 'grad': data.draw(rows, label='grads')}
    figures, refusal = runner.run_variable_statistics_options(
        ns, out_dir, tree, values['data'], values['grad'], period, chosen)
    context = f'targets {tree}, options {chosen}, trigger ({period}, iteration)'
    expected = model.statistics_refusal(sizes, settings['plot_mean'], settings['plot_std'],
                                        settings['percentile_sigmas'])
    assert refusal == expected, (f'construction refused with {refusal!r}, expected '
                                 f'{expected!r}\n  {context}')
    if refusal is not None:
        return
    firings = [i + 1 for i in range(iterations) if interval_fires(period, i, i + 1)]
    assert [i for i, _ in figures] == firings, model_mismatch(
        values, firings, [i for i, _ in figures], 'iterations where a figure was saved', context)
    keys = [key for key in ('data', 'grad') if settings['report_' + key]]
    keep = chosen.get('max_sample_size', 1000)
    close = close_to(list(values.values()))
    for i, axes in figures:
        plotted = [xs for axis in axes for xs, _ in axis['lines']] + [
            sorted(spans) for axis in axes for spans in axis['spans']]
        xs = plotted[0]
        assert all(other == xs for other in plotted), (
            f'the axes of the figure at iteration {i} plot different iterations {plotted}'
            f'\n  {context}')
        sample = [x for x in range(1, i + 1) if x in xs]
        assert xs == sample and len(xs) == min(i, keep), (
            f'the figure at iteration {i} plots iterations {xs}: expected min({i}, '
            f'max_sample_size {keep}) distinct iterations of 1..{i}, in order\n  {context}')
        want = model.variable_statistics_axes(
            [(key, [values[key][int(x) - 1] for x in xs]) for key in keys],
            settings['plot_mean'], settings['plot_std'], settings['percentile_sigmas'])
        layout = [(a['title'], a['xlabel'], a['legend'], len(a['lines']), len(a['spans']))
                  for a in want]
        got = [(a['title'], a['xlabel'], a['legend'], len(a['lines']), len(a['spans']))
               for a in axes]
        assert got == layout, model_mismatch(
            values, layout, got, f'axes of the figure at iteration {i} (title, x label, '
            'legend, number of lines, number of collections)', context)
        grids = [(a['grid'], a['below'], a['shared']) for a in axes]
        want_grids = [(settings['grid'], settings['grid'], True)] * len(axes)
        assert grids == want_grids, model_mismatch(
            values, want_grids, grids, f'(grid on, grid below the data, sharing the first '
            f'axis\'s x) of each axis of the figure at iteration {i}', context)
        size, default = axes[0]['size']
        want_size = tuple(settings['figsize'] or default)
        assert {a['size'] for a in axes} == {(want_size, default)}, (
            f'the figure at iteration {i} is {size} inches, expected figsize '
            f'{settings["figsize"]} (matplotlib\'s {default} for None)\n  {context}')
        marker = settings['marker'] or 'None'
        markers = [m for a in axes for m in a['markers']]
        assert all(m == marker for m in markers), (
            f'the lines of the figure at iteration {i} have the markers {markers}, expected '
            f'{marker!r} on each\n  {context}')
        for k, (w, a) in enumerate(zip(want, axes)):
            drawn = [ys for _, ys in a['lines']] + [
                [v for x in xs for v in spans[x]] for spans in a['spans']]
            wanted = w['lines'] + [[v for span in spans for v in span] for spans in w['spans']]
            assert all(close(d, e) for d, e in zip(drawn, wanted)), (
                f'axis {k} ({w["title"] or "percentiles"}) of the figure at iteration {i} '
                f'draws {drawn} (lines, then collections as (low, high) at each iteration), '
                f'expected {wanted}\n  values {values}\n  {context}')


@rule('observation', source=VSP_SOURCE + '_unpack_variables@v7.8.1; '
      'VariableStatisticsPlot.__init__@v7.8.1')
@given(tree=scenarios.statistics_targets(variables=False),
       options=scenarios.statistics_options(runner.DEFAULT) | scenarios.nothing_to_plot_options())
# A variable found only in a nested list: it is unpacked, so the refusal is
# "Nothing to plot", not "no variable".
@example(tree=('list', (('list', (('parameter', 1),)),)),
         options={'plot_mean': False, 'plot_std': False, 'percentile_sigmas': ()})
def test_variable_statistics_plot_refuses_targets_without_a_variable_then_nothing_to_plot(
        ns, tree, options):
    """Built over targets where it finds no variable (empty lists, chains
    without parameters, None, bare arrays: nothing it unpacks),
    ``VariableStatisticsPlot`` raises ``ValueError`` with Chainer's message;
    then, with neither mean nor std and no percentile (none given, or the
    scalar 0), ``ValueError('Nothing to plot')``."""
    chosen, settings = chosen_statistics_options(options)
    target, _ = runner.statistics_target(ns, tree)
    _, refusal = runner.build_variable_statistics_plot(ns, target, **chosen)
    expected = model.statistics_refusal(model.unpacked_sizes(tree), settings['plot_mean'],
                                        settings['plot_std'], settings['percentile_sigmas'])
    assert refusal == expected, (f'construction refused with {refusal!r}, expected '
                                 f'{expected!r}\n  targets {tree}, options {chosen}')


def same_but_the_last_digit(text, expected, scale):
    """Whether two PrintReport outputs have the same lines, each of the same
    words (and length, where the words are equal), a number allowed to
    differ by one in its last printed (sixth significant) digit or by
    float32's rounding of values of magnitude ``scale``.  Why: a resumed
    run sums the interval's values on from the snapshot's float64 ones,
    where under NumPy 2 (NEP 50) the uninterrupted run sums a reported
    float32 in float32; the means then differ in their last bits (a tiny
    value next to a float32 is lost there), and ``{:g}`` can round them
    apart."""
    lines, wanted = text.splitlines(), expected.splitlines()
    if len(lines) != len(wanted):
        return False
    for line, want in zip(lines, wanted):
        escaped = line.startswith('\033[J')
        if escaped != want.startswith('\033[J') or (line.split() == want.split()
                                                     and len(line) != len(want)):
            return False
        words = line[3 if escaped else 0:].split()
        want_words = want[3 if escaped else 0:].split()
        if len(words) != len(want_words):
            return False
        for word, want_word in zip(words, want_words):
            if word == want_word:
                continue
            try:
                a, b = float(word), float(want_word)
            except ValueError:
                return False
            digit = 10.0 ** (numpy.floor(numpy.log10(max(abs(a), abs(b), 1e-300))) - 5)
            tiny = float(numpy.finfo(numpy.float32).tiny)      # lost next to a float32
            if not abs(a - b) <= max(1.01 * digit, 1e-6 * scale, tiny):
                return False
    return True


@rule('resume', source='chainer/training/extensions/print_report.py:PrintReport@v7.8.1 '
      '(SEMANTICS M2)', level='quirk')
@given(scenario=scenarios.stream_scenarios(max_iterations=6).filter(
    lambda s: s.iterations >= 2), data=st.data(), owned=st.booleans(),
       entries=st.lists(st.sampled_from(['epoch', 'iteration', 'main/loss', 'x', 'absent']),
                        unique=True, min_size=1, max_size=3))
def test_print_report_after_a_resume_prints_its_header_and_the_whole_restored_log(
        out_dir, ns, scenario, data, owned, entries):
    """A fresh ``PrintReport`` in a trainer resumed from a snapshot (its
    ``LogReport`` registered, or its own) does not know what was printed
    before: at its first call it writes the header and every row of the
    restored log, then the new rows, so its output is that of a whole
    uninterrupted run."""
    at = data.draw(st.integers(1, scenario.iterations - 1), label='interrupted at')
    text, log = runner.run_print_report_resumed(ns, out_dir, scenario, entries, at, owned)
    expected = model.print_report_text(entries, log)
    scale = max([abs(float(value)) for row in scenario.reports for _, value, _ in row
                 if isinstance(value, (int, float, numpy.floating))], default=0.0)
    assert same_but_the_last_digit(text, expected, scale), model_mismatch(
        scenario, expected.splitlines(True), text.splitlines(True),
        f'PrintReport lines after resuming at {at}', f'entries {entries}, owned {owned}')
