"""Every conformance property carries the metadata the reports rely on."""
import re

import numpy  # NOQA: imported before pytester's in-process runs, which would reload it
import reference  # NOQA: likewise

from conformance import spec
from tests.meta.suite_runner import CONFORMANCE

# chainer/<file>.py:<function>[, <function>]@v7.8.1 (a {a,b} or * file pattern may
# name a family of files), or a page of Chainer's documentation.
SOURCE = re.compile(r'(chainer/[\w/{},*]+\.py:[\w., ]+@v7\.8\.1|https://docs\.chainer\.org/\S+)')


def _items(pytester):
    items, _ = pytester.inline_genitems(str(CONFORMANCE), '--impl=reference')
    assert items, 'the conformance suite collected no property'
    return items


def test_every_property_has_a_family_a_level_and_a_source(pytester):
    problems = []
    for item in _items(pytester):
        mark = item.get_closest_marker('conformance')
        if mark is None:
            problems.append(f'{item.nodeid}: no @rule(...)')
            continue
        if mark.kwargs['family'] not in spec.FAMILIES:
            problems.append(f'{item.nodeid}: unknown family {mark.kwargs["family"]!r}')
        if mark.kwargs['level'] not in spec.LEVELS:
            problems.append(f'{item.nodeid}: unknown level {mark.kwargs["level"]!r}')
        if not SOURCE.search(mark.kwargs['source']):
            problems.append(f'{item.nodeid}: source {mark.kwargs["source"]!r} is neither '
                            'chainer/<file>.py:<function>@v7.8.1 nor a docs.chainer.org link')
    assert not problems, '\n'.join(problems)


def test_every_divergence_names_its_reason_and_source(pytester):
    problems = []
    for item in _items(pytester):
        for mark in item.iter_markers('diverges'):
            if not mark.kwargs.get('reason') or not SOURCE.search(mark.kwargs.get('source', '')):
                problems.append(f'{item.nodeid}: divergence without reason or source')
    assert not problems, '\n'.join(problems)


def test_property_ids_are_unique(pytester):
    names = {item.nodeid.split('[')[0] for item in _items(pytester)}
    short = [n.split('::')[-1] for n in names]
    duplicates = {n for n in short if short.count(n) > 1}
    assert not duplicates, f'property names must be unique across files: {sorted(duplicates)}'


# --- the catalogue of Chainer's behaviour: docs/semantics.md ------------------
#
# Code, docstrings and @rule sources cite catalogue entries as SEMANTICS
# followed by ids: "H10", "H1/H3", "G1-G7, E7", a bare section letter "G";
# "SEMANTICS.md" is accepted too, and a citation may go on over a line break
# (with the comment's "#").  Every cited id must be an entry (or a section)
# of docs/semantics.md, and every property the catalogue says pins an entry
# must exist.

ROOT = CONFORMANCE.parent
CATALOGUE = ROOT / 'docs' / 'semantics.md'
CITING_DIRS = ('conformance', 'reference', 'fixtures', 'scripts', 'tests')
_ID = r'[A-Z]\d*(?:-[A-Z]?\d+)?\b'
CITATION = re.compile(r'SEMANTICS(?:\.md)?[\s#]+((?:' + _ID + r'(?:\s*[,/]\s*(?=' + _ID + r'))?)+)')
ANCHOR = re.compile(r'^#+ <a id="([A-Z]\d*)"></a>', re.MULTILINE)
PINNED_BY = re.compile(r'^Pinned by:(.*?)(?:\n\n|\Z)', re.MULTILINE | re.DOTALL)


def cited_ids(text):
    """``(id, offset)`` of every catalogue id cited in ``text``, ranges expanded."""
    for match in CITATION.finditer(text):
        for item in re.findall(_ID, match.group(1)):
            first, _, last = item.partition('-')
            if not last:
                yield first, match.start()
                continue
            letter, start = first[0], int(first[1:])
            for n in range(start, int(last.lstrip(letter)) + 1):
                yield f'{letter}{n}', match.start()


def unresolved_citations(texts, known):
    """``(where, line, id)`` for each cited id not in ``known``; ``texts``
    maps a place (a file, a property's metadata) to its text."""
    return [(where, text.count('\n', 0, offset) + 1, id_)
            for where, text in texts.items()
            for id_, offset in cited_ids(text) if id_ not in known]


def describe(unresolved):
    return '\n'.join(f'  {where}:{line}: {id_}' for where, line, id_ in unresolved)


def catalogue_ids():
    ids = ANCHOR.findall(CATALOGUE.read_text(encoding='utf-8'))
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f'{CATALOGUE.name}: ids defined more than once: {duplicates}'
    return set(ids)


def citing_files():
    for directory in CITING_DIRS:
        for path in sorted((ROOT / directory).rglob('*')):
            if not path.is_file() or '__pycache__' in path.parts:
                continue
            try:
                yield path.relative_to(ROOT), path.read_text(encoding='utf-8')
            except UnicodeDecodeError:
                continue


def test_every_semantics_citation_in_the_code_has_a_catalogue_entry():
    texts = dict(citing_files())
    assert any(True for _ in cited_ids(''.join(texts.values()))), (
        'no SEMANTICS citation found at all: has the citation pattern changed?')
    missing = unresolved_citations(texts, catalogue_ids())
    assert not missing, (
        f'catalogue ids cited but without an entry in docs/{CATALOGUE.name} '
        '(add the entry, or fix the citation):\n' + describe(missing))


def test_every_semantics_citation_in_property_metadata_has_a_catalogue_entry(pytester):
    texts = {}
    for item in _items(pytester):
        for mark in item.iter_markers():
            if mark.name in ('conformance', 'diverges'):
                for key in ('source', 'reason'):
                    texts[f'{item.nodeid} @{mark.name} {key}'] = str(mark.kwargs.get(key, ''))
    missing = unresolved_citations(texts, catalogue_ids())
    assert not missing, (
        'catalogue ids cited in property metadata but without an entry in '
        f'docs/{CATALOGUE.name}:\n' + describe(missing))


def test_every_property_the_catalogue_names_exists():
    catalogue = CATALOGUE.read_text(encoding='utf-8')
    named = {name for block in PINNED_BY.findall(catalogue)
             for name in re.findall(r'`(test_\w+)`', block)}
    assert named, f'{CATALOGUE.name} names no property under "Pinned by:"'
    defined = {name for path in CONFORMANCE.rglob('*.py')
               for name in re.findall(r'^def (test_\w+)', path.read_text(encoding='utf-8'),
                                      re.MULTILINE)}
    assert named <= defined, (f'{CATALOGUE.name} says these properties pin entries, but no '
                              f'conformance module defines them: {sorted(named - defined)}')


def test_the_citation_check_reports_unknown_ids_with_their_place():
    known = {'G', 'G1', 'G2', 'G3', 'H10'}
    texts = {'a.py': 'x = 1\n# see (SEMANTICS' + '\n# G1-G3, H10/H99; chainer#1)\n',
             'b.py': '"""Rule of SEMANTICS' + '.md G and SEMANTICS' + ' Q7."""'}
    assert unresolved_citations(texts, known) == [('a.py', 2, 'H99'), ('b.py', 1, 'Q7')]


def test_every_property_puts_its_rule_decorator_first():
    """One decorator order in every property module: ``@rule(...)`` on top,
    so a reader finds a property's family and source on its first line."""
    import ast
    import pathlib
    misplaced = []
    for path in sorted(pathlib.Path(__file__).resolve().parents[1].glob('conformance/test_*.py')):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith('test_'):
                continue
            names = [getattr(d.func, 'id', getattr(d.func, 'attr', None))
                     for d in node.decorator_list if isinstance(d, ast.Call)]
            if 'rule' in names and names[0] != 'rule':
                misplaced.append(f'{path.name}::{node.name}')
    assert not misplaced, f'@rule is not the first decorator of: {misplaced}'
