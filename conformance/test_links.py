"""The Link API a training script builds its model with (family 'api'):
the order in which a link tree is walked (the order setup, updates and hooks
meet parameters), ``copy`` in its three modes, editing a ``ChainList``, and
what a link registers as parameters, persistent values and children.

Link trees are the optimizer families' (``strategies/optim.py``), built by
``runners/optim.py``.
"""
import numpy
import pytest
from hypothesis import given, strategies as st

from conformance import devices
from conformance.runners import optim as runner
from conformance.spec import rule
from conformance.strategies import optim as strategies

FAMILY = 'api'


@rule(FAMILY, source='chainer/link.py:Link.namedparams@v7.8.1; Chain.namedparams@v7.8.1; '
      'ChainList.namedparams@v7.8.1; Chain.links@v7.8.1; ChainList.links@v7.8.1; '
      'Chain.namedlinks@v7.8.1; ChainList.namedlinks@v7.8.1; Chain.children@v7.8.1')
@given(tree=strategies.link_trees(), uninitialized=st.lists(st.booleans(), min_size=5,
                                                           max_size=5))
def test_a_link_tree_is_walked_in_chainers_order_by_every_accessor(ns, tree, uninitialized):
    """The order in which setup, updates and hooks meet parameters: a link's
    own parameters by sorted name, then its children's (a Chain's by sorted
    name, a ChainList's by index), depth first.  ``params`` and
    ``namedparams`` (paths like ``/l1/0/W``) list uninitialized parameters
    too unless ``include_uninit=False``; ``links`` and ``namedlinks``
    (``'/'`` for the link itself) start with the link unless
    ``skipself=True``; ``children`` lists the direct children."""
    paths = tree.param_paths()
    init = {path: numpy.zeros(tree.shapes()[path], dtype=numpy.float32)
            for path, left in zip(paths, uninitialized) if not left}
    built = runner.Built(ns, tree, init)
    root, links = built.root, tree.link_paths()
    initialized = [path for path in paths if path in init]
    children = [path for path in links if path.count('/') == 1]
    param_at = {id(param): path for path, param in built.params.items()}
    link_at = {id(link): path for path, link in built.links.items()}

    def at(objects, table):       # the tree path of each object returned
        return [table.get(id(obj), '<not in the tree>') for obj in objects]

    def pairs(named, table):      # (path returned, tree path of the object returned)
        return [(path, table.get(id(obj), '<not in the tree>')) for path, obj in named]

    calls = {
        'namedparams()': (pairs(root.namedparams(), param_at), [(p, p) for p in paths]),
        'namedparams(include_uninit=False)': (
            pairs(root.namedparams(include_uninit=False), param_at),
            [(p, p) for p in initialized]),
        'params()': (at(root.params(), param_at), paths),
        'params(include_uninit=False)': (at(root.params(include_uninit=False), param_at),
                                         initialized),
        'namedlinks()': (pairs(root.namedlinks(), link_at),
                         [('/', '')] + [(p, p) for p in links[1:]]),
        'namedlinks(skipself=True)': (pairs(root.namedlinks(skipself=True), link_at),
                                      [(p, p) for p in links[1:]]),
        'links()': (at(root.links(), link_at), links),
        'links(skipself=True)': (at(root.links(skipself=True), link_at), links[1:]),
        'children()': (at(root.children(), link_at), children),
    }
    for call, (got, expected) in calls.items():
        assert got == expected, (
            f'{call} of the tree {tree} (uninitialized: {sorted(set(paths) - set(init))}), '
            f'as tree paths: got {got}, expected {expected}')


def built_tree(ns, tree):
    """``tree`` built with every parameter initialized (the ``k``-th to ``k``,
    its gradient to ``k + 0.5``, its initializer a constant ``k + 1``), set
    up with SGD so that each has a rule, the root named ``'root'``."""
    paths = tree.param_paths()
    built = runner.Built(ns, tree, {path: numpy.full(tree.shapes()[path], k, dtype=numpy.float32)
                                    for k, path in enumerate(paths)})
    for k, path in enumerate(paths):
        param = built.params[path]
        param.grad = devices.current().array(numpy.full(param.shape, k + 0.5,
                                                        dtype=numpy.float32))
        # A constant initializer, as Parameter(k + 1, shape) makes one.
        param.initializer = ns.Parameter(float(k + 1), param.shape).initializer
    ns.optimizers.SGD().setup(built.root)
    built.root.name = 'root'
    return built, paths


def chainlist_owned(tree, prefix=''):
    """Paths of the parameters that ChainList links hold themselves."""
    owned = {f'{prefix}/{name}' for name, _ in tree.params} if tree.kind == 'ChainList' else set()
    for name, child in tree.children:
        owned |= chainlist_owned(child, f'{prefix}/{name}')
    return owned


@rule(FAMILY, source='chainer/link.py:Link.copy@v7.8.1; Chain.copy@v7.8.1; ChainList.copy@v7.8.1 '
      '(SEMANTICS E11)')
@given(tree=strategies.link_trees(), mode=st.sampled_from(['share', 'copy', 'init', None]))
def test_copy_shares_or_copies_the_parameters_as_its_mode_says(ns, tree, mode):
    """``copy(mode)`` makes a tree of new links and new parameters with the
    same paths; every link below the root keeps its name.  With ``'share'``
    (the default) the root has no name and each parameter wraps the
    original's array (a write through one shows in the other), has no
    gradient and keeps the original's update rule; with ``'copy'``
    everything is copied deep (equal arrays, gradients and rule counts,
    sharing nothing); with ``'init'`` too, and then every parameter is
    regenerated by its initializer.  Another mode is a ``ValueError`` from a
    Chain or a Link.

    Not pinned, where Chainer's code and its documentation disagree: the
    root's name after a deep copy (kept, not reset), and the parameters a
    ``ChainList`` holds itself in a deep copy (``ChainList.copy`` copies
    them with ``'share'`` whatever the mode: the original's arrays when
    every link above is a ``ChainList``, and no gradient; nor does it check
    the mode)."""
    built, paths = built_tree(ns, tree)
    root = built.root
    what = f'copy({"" if mode is None else repr(mode)}) of {tree}'
    copied = root.copy() if mode is None else root.copy(mode)
    mode = mode or 'share'
    params = dict(copied.namedparams())
    links = dict(copied.namedlinks())
    assert list(params) == paths and sorted(links) == sorted(dict(root.namedlinks())), (
        f'{what}: parameter paths {list(params)}, link paths {sorted(links)}; expected '
        f'{paths} and {sorted(dict(root.namedlinks()))}')
    originals = [id(obj) for obj in list(built.params.values()) + list(built.links.values())]
    kept = [path for path, obj in list(params.items()) + list(links.items())
            if id(obj) in originals]
    assert not kept, f'{what}: the objects at {kept} are the original ones, not new ones'
    names = {path: link.name for path, link in links.items() if path != '/' or mode == 'share'}
    expected_names = {path: None if path == '/' else path.rsplit('/', 1)[1] for path in names}
    assert names == expected_names, f'{what}: link names {names}, expected {expected_names}'
    unpinned = chainlist_owned(tree)
    for k, path in enumerate(paths):
        if path in unpinned and mode != 'share':
            continue
        original, copy = built.params[path], params[path]
        where = f'{what}: {path}'
        if mode == 'share':
            assert copy.array is original.array, f'{where}: the copy does not wrap the same array'
            assert copy.grad is None and numpy.array_equal(devices.to_host(original.grad),
                                                           numpy.full(original.shape, k + 0.5)), (
                f"{where}: gradient {copy.grad} and the original's {original.grad}, expected "
                'None and kept')
            assert copy.update_rule is original.update_rule, (
                f"{where}: the copy does not keep the original's update rule")
            continue
        shares_memory = devices.current().xp.shares_memory
        assert not shares_memory(copy.array, original.array), (
            f'{where}: the copy shares memory with the original array')
        want = numpy.full(original.shape, k + 1 if mode == 'init' else k, dtype=numpy.float32)
        value = devices.to_host(copy.array)
        assert value.dtype == want.dtype and numpy.array_equal(value, want), (
            f'{where}: value {value!r}, expected {want!r}'
            f'{" (regenerated by its initializer, a constant)" if mode == "init" else ""}')
        rule = copy.update_rule
        assert (rule is not None and rule is not original.update_rule
                and rule.t == original.update_rule.t), (
            f'{where}: the update rule is not a copy of the original one')
        if mode == 'copy':
            assert (copy.grad is not None and not shares_memory(copy.grad, original.grad)
                    and numpy.array_equal(devices.to_host(copy.grad),
                                          devices.to_host(original.grad))), (
                f'{where}: gradient {copy.grad!r}, expected a copy of {original.grad!r}')
    if tree.kind != 'ChainList':
        with pytest.raises(ValueError):
            root.copy('deep')


LIST_EDITS = ('add_link', 'append', 'insert', 'set', 'set_slice', 'del', 'del_slice')


@rule(FAMILY, source='chainer/link.py:ChainList.__init__@v7.8.1; ChainList.__setitem__@v7.8.1; '
      'ChainList.__delitem__@v7.8.1; ChainList.insert@v7.8.1; ChainList.add_link@v7.8.1; '
      'ChainList.namedparams@v7.8.1 (SEMANTICS E12)')
@given(start=st.integers(0, 3),
       edits=st.lists(st.tuples(st.sampled_from(LIST_EDITS), st.integers(-4, 4),
                                st.integers(-4, 4)), max_size=6))
def test_a_chain_list_edited_as_a_list_names_its_children_by_position(ns, start, edits):
    """A ``ChainList`` is a mutable sequence of links: built from links, then
    ``add_link``/``append``, ``insert``, item and slice assignment and
    deletion change it as they would a list, and every child is named by
    its position (``'0'``, ``'1'``...) after each edit, so ``namedparams``
    paths follow the positions.  An index that is neither an integer nor a
    slice is a ``TypeError``."""
    made = []

    def new_link():
        link = ns.Link()
        with link.init_scope():
            link.p = ns.Parameter(numpy.full(1, len(made), dtype=numpy.float32))
        made.append(link)
        return link

    chain_list = ns.ChainList(*[new_link() for _ in range(start)])
    model = list(range(start))        # the links' indices in ``made``
    done = [f'ChainList(<{start} links>)']
    for edit, i, j in edits:
        if edit in ('set', 'del') and not model:
            continue
        if edit in ('add_link', 'append'):
            getattr(chain_list, edit)(new_link())
            model.append(len(made) - 1)
            call = f'{edit}(<link {len(made) - 1}>)'
        elif edit == 'insert':
            chain_list.insert(i, new_link())
            model.insert(i, len(made) - 1)
            call = f'insert({i}, <link {len(made) - 1}>)'
        elif edit == 'set':
            at = i % len(model)
            chain_list[at] = new_link()
            model[at] = len(made) - 1
            call = f'[{at}] = <link {len(made) - 1}>'
        elif edit == 'set_slice':
            chain_list[i:j] = [new_link()]
            model[i:j] = [len(made) - 1]
            call = f'[{i}:{j}] = [<link {len(made) - 1}>]'
        elif edit == 'del':
            at = i % len(model)
            del chain_list[at]
            del model[at]
            call = f'del [{at}]'
        else:
            del chain_list[i:j]
            del model[i:j]
            call = f'del [{i}:{j}]'
        done.append(call)
        index = {id(link): k for k, link in enumerate(made)}
        got = [(index.get(id(child), '<unknown>'), child.name) for child in chain_list]
        expected = [(k, str(position)) for position, k in enumerate(model)]
        assert got == expected and len(chain_list) == len(model), (
            f'after {"; ".join(done)}: children (link, name) {got} (len {len(chain_list)}), '
            f'expected {expected}')
    param_of = {id(link.p): k for k, link in enumerate(made)}
    paths = [(path, param_of.get(id(param), '<unknown>'))
             for path, param in chain_list.namedparams()]
    expected = [(f'/{position}/p', k) for position, k in enumerate(model)]
    assert paths == expected, (
        f'after {"; ".join(done)}: namedparams (path, link) {paths}, expected {expected}')
    with pytest.raises(TypeError) as error:
        chain_list['0'] = new_link()
    assert str(error.value) == 'ChainList indices must be integers or slices, not str', (
        f"chain_list['0'] = <link>: TypeError {str(error.value)!r}, expected Chainer's "
        "'ChainList indices must be integers or slices, not str'")


REGISTRATIONS = ('param', 'plain', 'add_param', 'add_persistent', 'register_persistent', 'child',
                 'add_link', 'del')


def expected_registration(kinds, op, name):
    """Chainer's outcome of ``op`` on attribute ``name`` of a Chain whose
    attributes are ``kinds`` (name -> 'param', 'persistent', 'held' (a
    persistent value holding a Parameter), 'child' or 'attr'): ``(new
    kinds, (error type, message) or None)``, or None where
    the property does not go (an edit mixing a child with a parameter or a
    persistent value, which Chainer leaves half registered)."""
    kind, after = kinds.get(name), dict(kinds)
    exists = 'attribute exists'
    if op in ('param', 'plain'):
        if kind in ('child', 'persistent', 'held'):
            return None
        after[name] = 'param' if op == 'param' or kind == 'param' else 'attr'
        return after, None
    if op == 'add_param':
        if kind is not None:
            return kinds, ('AttributeError', f'cannot register a new parameter {name}: {exists}')
        after[name] = 'param'
        return after, None
    if op == 'add_persistent':
        if kind is not None:
            return kinds, ('AttributeError',
                           f'cannot register a new persistent value {name}: {exists}')
        after[name] = 'persistent'
        return after, None
    if op == 'register_persistent':
        if kind == 'child':
            return None
        if kind is None:
            return kinds, ('AttributeError',
                           f'cannot register non-existent attribute {name} as a persistent value')
        after[name] = 'held'      # a persistent value holding a Parameter
        return after, None
    if op in ('child', 'add_link'):
        if kind is not None:
            return kinds, ('AttributeError', f'cannot register a new link {name}: {exists}')
        after[name] = 'child'
        return after, None
    if kind is None:      # del of a missing attribute: Python's own AttributeError
        return kinds, ('AttributeError', None)
    del after[name]
    return after, None


@rule(FAMILY, source='chainer/link.py:Link.__setattr__@v7.8.1; Link.__delattr__@v7.8.1; '
      'Link.add_param@v7.8.1; Link.add_persistent@v7.8.1; Link.register_persistent@v7.8.1; '
      'Chain.__setattr__@v7.8.1; Chain.add_link@v7.8.1; Link.serialize@v7.8.1 (SEMANTICS E13)')
@given(edits=st.lists(st.tuples(st.sampled_from(REGISTRATIONS), st.sampled_from('abc')),
                      min_size=1, max_size=8))
def test_a_chain_registers_what_init_scope_and_the_add_methods_give_it(ns, edits):
    """A Parameter assigned inside ``init_scope`` is registered (and is no
    longer a persistent value), one assigned outside is a plain attribute
    unless the name is a parameter already; ``add_param``,
    ``add_persistent`` and a child link (inside ``init_scope`` or through
    ``add_link``) refuse a name in use, ``register_persistent`` one that
    does not exist, each with Chainer's ``AttributeError``;
    ``register_persistent`` turns a parameter into a persistent value and
    ``del`` unregisters.  ``namedparams``, ``children`` and what
    ``serialize`` writes (where no persistent value holds a Parameter)
    follow."""
    chain, kinds, done = ns.Chain(), {}, []
    for k, (op, name) in enumerate(edits):
        outcome = expected_registration(kinds, op, name)
        if outcome is None:
            continue
        kinds_after, error = outcome
        value = numpy.full(2, k, dtype=numpy.float32)
        try:
            if op == 'param':
                with chain.init_scope():
                    setattr(chain, name, ns.Parameter(value))
            elif op == 'plain':
                setattr(chain, name, ns.Parameter(value))
            elif op == 'add_param':
                chain.add_param(name, (2,), initializer=float(k))
            elif op == 'add_persistent':
                chain.add_persistent(name, k)
            elif op == 'register_persistent':
                chain.register_persistent(name)
            elif op == 'child':
                with chain.init_scope():
                    setattr(chain, name, ns.Link())
            elif op == 'add_link':
                chain.add_link(name, ns.Link())
            else:
                delattr(chain, name)
            raised = None
        except Exception as caught:  # compared with Chainer's below
            raised = (type(caught).__name__, str(caught) if error and error[1] else None)
        done.append(f'{op}({name!r})')
        assert raised == error, (
            f'after {"; ".join(done[:-1]) or "nothing"}: {done[-1]} raised {raised}, '
            f'expected {error}')
        kinds = kinds_after
    of = lambda kind: sorted(name for name, k in kinds.items() if k == kind)  # NOQA: E731
    got = {'namedparams': [path for path, _ in chain.namedparams()],
           'children': [link.name for link in chain.children()]}
    expected = {'namedparams': ['/' + name for name in of('param')], 'children': of('child')}
    if not of('held'):        # a Parameter held as a persistent value does not serialize
        serializer = ns.serializers.DictionarySerializer()
        chain.serialize(serializer)
        got['serialize'] = sorted(serializer.target)
        expected['serialize'] = sorted(of('param') + of('persistent'))
    assert got == expected, f'after {"; ".join(done)}: {got}, expected {expected}'
