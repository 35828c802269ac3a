"""What ``Trainer.extend`` decides for an extension: the trigger it runs
under, its priority and the name it is registered under
(chainer/training/trainer.py:Trainer.extend@v7.8.1; SEMANTICS A1-A5).

Trigger: the ``trigger`` argument of ``extend`` unless it is ``None``; else
the extension's ``trigger`` attribute if it has one; else ``(1,
'iteration')``; ``make_extension`` turns ``trigger=None`` into ``(1,
'iteration')``.  The result goes through ``get_trigger``: a callable is used
as it is, ``None`` never fires, anything else becomes an ``IntervalTrigger``.

Priority: the ``priority`` argument of ``extend`` unless ``None``, else the
extension's ``priority`` attribute, else ``PRIORITY_READER``; ``run`` sorts
by descending priority, a stable sort.

Name: the first that is not ``None`` of the ``name`` argument, ``ext.name``,
``ext.default_name`` and ``ext.__name__`` (``TypeError`` if all are); the
name ``'training'`` raises ``ValueError``; a taken name ``m`` becomes
``m_1``, ``m_2``, ... (the first one free), and ``ext.name`` is overwritten
with the registered name.
"""
import itertools

from conformance.runners.trainer import label
from conformance.strategies.trainer import TriggerSpec

EVERY_ITERATION = TriggerSpec('tuple', period=1)

#: chainer/training/extension.py@v7.8.1
PRIORITY_VALUES = {'PRIORITY_WRITER': 300, 'PRIORITY_EDITOR': 200, 'PRIORITY_READER': 100}


def chosen_trigger(spec):
    """``(trigger, where it was given)`` of an ``ExtensionSpec`` by Chainer's
    precedence (``None`` for the default)."""
    if spec.extend_trigger is not None and spec.extend_trigger.kind != 'none':
        return spec.extend_trigger, 'extend'
    own = spec.own_trigger
    if own is None or (spec.form == 'make_extension' and own.kind == 'none'):
        return EVERY_ITERATION, None
    return own, 'own'


def priority(spec):
    """The priority an ``ExtensionSpec`` runs with, as a number."""
    given = [p for p in (spec.extend_priority, spec.own_priority)
             if p is not None and p != 'explicit None']   # None given means not given
    chosen = given[0] if given else 'PRIORITY_READER'
    return PRIORITY_VALUES.get(chosen, chosen)


def call_order(extensions):
    """``(label, spec)`` by descending priority, ties in registration order."""
    indices = sorted(range(len(extensions)), key=lambda i: priority(extensions[i]),
                     reverse=True)
    return [(label(i), extensions[i]) for i in indices]


# --- names ------------------------------------------------------------------------

NO_NAME = 'name is not given for the extension'
TRAINING_PROHIBITED = 'the name "training" is prohibited as an extension name'


def default_name(obj):
    """``ext.default_name`` of a ``NamedObject``: the class name for an
    ``Extension`` subclass (unless a class attribute hides the property),
    ``default_name or __name__`` after ``make_extension``, else the
    attribute if set."""
    if obj.form == 'subclass':
        return obj.default_name if obj.default_name is not None else obj.type_name
    if obj.form == 'make_extension':
        return obj.default_name or obj.type_name
    return obj.default_name


def dunder_name(obj):
    return {'function': obj.type_name, 'make_extension': obj.type_name,
            'lambda': '<lambda>'}.get(obj.form)


def registrations(scenario):
    """The outcomes of a ``NamesScenario``'s registrations as
    ``runners.names.run_names`` reports them, and each trainer's name ->
    object index."""
    name_attribute = {i: obj.name for i, obj in enumerate(scenario.objects)}
    registered = [{}, {}]
    outcomes = []
    for registration in scenario.registrations:
        obj = scenario.objects[registration.obj]
        name = next((candidate for candidate in (
            registration.name, name_attribute[registration.obj], default_name(obj),
            dunder_name(obj)) if candidate is not None), None)
        if name is None:
            outcomes.append(('error', 'TypeError', NO_NAME))
            continue
        if name == 'training':
            outcomes.append(('error', 'ValueError', TRAINING_PROHIBITED))
            continue
        taken = registered[registration.trainer]
        final = name
        for ordinal in itertools.count(1):
            if final not in taken:
                break
            final = f'{name}_{ordinal}'
        taken[final] = registration.obj
        name_attribute[registration.obj] = final
        outcomes.append(('ok', final, final))
    return outcomes, registered
