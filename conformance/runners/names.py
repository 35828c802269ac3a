"""The runner of the names family: register a ``NamesScenario``'s objects
with ``Trainer.extend`` through ``ns`` and look them up by name.
"""
from conformance import harness


def _named_object(ns, spec):
    def call(trainer):
        pass
    if spec.form == 'subclass':
        attributes = {'__call__': lambda self, trainer: None}
        if spec.default_name is not None:
            attributes['default_name'] = spec.default_name
        obj = type(spec.type_name, (ns.training.Extension,), attributes)()
    elif spec.form == 'object':
        obj = type(spec.type_name, (), {'__call__': lambda self, trainer: None})()
        if spec.default_name is not None:
            obj.default_name = spec.default_name
    elif spec.form in ('function', 'make_extension'):
        obj = call
        obj.__name__ = spec.type_name
        if spec.form == 'make_extension':
            obj = ns.training.make_extension(default_name=spec.default_name)(obj)
        elif spec.default_name is not None:
            obj.default_name = spec.default_name
    elif spec.form == 'lambda':
        obj = lambda trainer: None  # NOQA: E731 (a lambda is the point)
    else:
        raise ValueError(f'unknown form {spec.form!r}')
    if spec.name is not None:
        obj.name = spec.name
    return obj


def run_names(ns, out, scenario, probes):
    """Register the scenario's objects and look them up by the names in
    ``probes``.

    Returns ``(outcomes, lookups)``.  An outcome is ``('error', type name,
    message)`` or ``('ok', new name, name attribute)``: the probe under which
    ``get_extension`` newly finds the object (``None`` if none) and the
    object's ``name`` attribute afterwards (the new name is searched among
    ``probes``, then checked at ``ext.name``).  ``lookups`` gives, per trainer,
    what ``get_extension`` finally returns for each probe: the index of the
    object, ``'foreign'`` for another object, or the error's type name.
    """
    objects = [_named_object(ns, spec) for spec in scenario.objects]
    trainers = [harness.make_trainer(ns, out) for _ in range(2)]

    def lookup(trainer):
        found = {}
        for name in probes:
            try:
                ext = trainer.get_extension(name)
            except Exception as error:
                found[name] = type(error).__name__
            else:
                found[name] = next((i for i, o in enumerate(objects) if o is ext), 'foreign')
        return found

    outcomes = []
    for registration in scenario.registrations:
        trainer, obj = trainers[registration.trainer], objects[registration.obj]
        before = lookup(trainer)
        try:
            trainer.extend(obj, name=registration.name)
        except Exception as error:
            outcomes.append(('error', type(error).__name__, str(error)))
            continue
        after = lookup(trainer)
        new = [name for name in probes
               if after[name] == registration.obj and before[name] != registration.obj]
        if not new and isinstance(getattr(obj, 'name', None), str):
            try:
                new = [obj.name] if trainer.get_extension(obj.name) is obj else []
            except Exception:
                pass
        outcomes.append(('ok', new[0] if len(new) == 1 else None, getattr(obj, 'name', None)))
    return outcomes, [lookup(trainer) for trainer in trainers]
