"""Runners of the lifecycle family's remaining rules: ``elapsed_time``
(fresh and loaded trainers), what ``Trainer(...)`` keeps and connects,
and the extension API's refusals of keywords and attributes, through
``ns``.
"""
import time

import numpy

from conformance import harness


# --- elapsed time ----------------------------------------------------------------

def run_elapsed_time(ns, out, stop):
    """``trainer.elapsed_time`` before ``run`` (the value, or the error's type
    name), read in ``initialize`` and at each of ``stop`` iterations, and
    read twice after the run, and the wall-clock seconds ``run`` took."""
    def read(trainer):
        try:
            return trainer.elapsed_time
        except Exception as error:
            return type(error).__name__

    trainer = harness.make_trainer(ns, out, stop=(stop, 'iteration'))
    before = read(trainer)
    during = []
    extension = ns.training.make_extension(
        initializer=lambda trainer: during.append(read(trainer)))(
        lambda trainer: during.append(read(trainer)))
    trainer.extend(extension)
    start = time.perf_counter()
    trainer.run()
    wall = time.perf_counter() - start
    return before, during, (read(trainer), read(trainer)), wall


def run_resumed_elapsed_time(ns, out, seconds):
    """Run a trainer one iteration and save it; set the save's
    ``_snapshot_elapsed_time`` to ``seconds`` (``None``: delete the key);
    load it non-strictly into a fresh trainer and run that one iteration
    more.  Returns its ``elapsed_time`` after the run and the wall-clock
    seconds the run took."""
    first = harness.make_trainer(ns, out, stop=(1, 'iteration'))
    first.run()
    saved = ns.serializers.DictionarySerializer()
    first.serialize(saved)
    if seconds is None:
        del saved.target['_snapshot_elapsed_time']
    else:
        saved.target['_snapshot_elapsed_time'] = numpy.asarray(seconds)
    trainer = harness.make_trainer(ns, out, stop=(2, 'iteration'))
    trainer.serialize(ns.serializers.NpzDeserializer(saved.target, strict=False))
    start = time.perf_counter()
    trainer.run()
    return trainer.elapsed_time, time.perf_counter() - start


# --- construction -------------------------------------------------------------

def run_construction(ns, out, scenario):
    """Construct (and do not run) a trainer as the scenario says.

    Returns a dict: ``out`` (the attribute; ``'<given>'`` for the value
    passed), whether ``updater`` is the one passed, ``observation``, one
    entry per ``connect_trainer`` call (whether it got the trainer, and
    which of the constructor's extensions ``get_extension`` found then),
    the names those extensions got, which of them ``get_extension`` finds
    afterwards, and what the stop trigger says now.
    """
    connected = []
    functions = []
    for index in range(scenario.extensions or 0):
        def extension(trainer):
            pass
        extension.__name__ = f'x{index}'
        functions.append(extension)

    def registered(trainer):
        found = []
        for function in functions:
            try:
                found.append(trainer.get_extension(function.__name__) is function)
            except ValueError:
                found.append(False)
        return found

    class Updater(ns.training.updaters.StandardUpdater):
        def connect_trainer(self, trainer):
            connected.append((trainer, registered(trainer)))

    model = ns.Chain()
    optimizer = ns.optimizers.SGD(lr=0.1)
    optimizer.setup(model)
    iterator = ns.iterators.SerialIterator(harness.dataset(4), 1, shuffle=False)
    updater = Updater(iterator, optimizer, loss_func=harness.zero_loss(ns))
    kwargs = {'out': out} if scenario.out_given else {}
    if scenario.extensions is not None:
        kwargs['extensions'] = functions
    trainer = ns.training.Trainer(updater, **kwargs)
    return {
        'out': '<given>' if scenario.out_given and trainer.out == out else trainer.out,
        'updater': trainer.updater is updater,
        'observation': trainer.observation,
        'connect_trainer': [(got is trainer, found) for got, found in connected],
        'names': [getattr(function, 'name', None) for function in functions],
        'registered': registered(trainer),
        'stop_trigger': trainer.stop_trigger(trainer),
    }


# --- misuse of the extension API ----------------------------------------------------

def _outcome(call):
    try:
        call()
    except Exception as error:
        return type(error).__name__, str(error)
    return ('returned',)


def run_rejected_keywords(ns, out, keywords):
    """``extend(ext, **kwargs)`` and ``make_extension(**kwargs)`` with
    ``keywords`` (values ``None``): each outcome (``('returned',)`` or the
    error's type name and message), and whether ``extend`` registered."""
    kwargs = dict.fromkeys(keywords)
    trainer = harness.make_trainer(ns, out)

    def ext(trainer):
        pass
    extend = _outcome(lambda: trainer.extend(ext, **kwargs))
    return {'extend': extend,
            'registered': _outcome(lambda: trainer.get_extension('ext'))[0],
            'make_extension': _outcome(lambda: ns.training.make_extension(**kwargs))}


def run_missing_attributes(ns, class_name, names):
    """``getattr`` of each of ``names`` on an instance of an ``Extension``
    subclass called ``class_name``: the error's type name and message."""
    cls = type(class_name, (ns.training.Extension,), {'__call__': lambda self, trainer: None})
    extension = cls()
    return [_outcome(lambda: getattr(extension, name)) for name in names]


def run_extend_during_run(ns, out, where, at, stop):
    """Register an extension ``late`` while ``run`` is under way: from the
    ``initialize`` of an extension (``where='initialize'``) or from its call
    at iteration ``at`` (``where='call'``).  Returns what ``late`` saw of the
    run (its ``initialize``, calls and ``finalize``) and whether
    ``get_extension('late')`` gives it afterwards."""
    seen = []

    class Late(ns.training.Extension):
        def __call__(self, trainer):
            seen.append(('call', trainer.updater.iteration))

        def initialize(self, trainer):
            seen.append(('initialize',))

        def finalize(self):
            seen.append(('finalize',))

    late = Late()

    class Adder(ns.training.Extension):
        def __call__(self, trainer):
            if where == 'call' and trainer.updater.iteration == at:
                trainer.extend(late, name='late', trigger=(1, 'iteration'))

        def initialize(self, trainer):
            if where == 'initialize':
                trainer.extend(late, name='late', trigger=(1, 'iteration'))

    trainer = harness.make_trainer(ns, out, stop=(stop, 'iteration'))
    trainer.extend(Adder(), name='adder', trigger=(1, 'iteration'))
    trainer.run()
    return seen, trainer.get_extension('late') is late


# --- a trigger's finished, read when run starts --------------------------------------

def run_finished_changed_after_extend(ns, out, form, at_extend, at_run, stop):
    """Register an extension with ``initialize`` under a callable trigger (a
    function or a callable object) that fires at every iteration; its
    ``finished`` attribute is ``at_extend`` when ``extend`` is called and
    ``at_run`` when ``run`` is (``None``: no such attribute).  Returns what
    the extension saw: ``('initialize',)`` and its calls."""
    seen = []

    class Trigger:
        def __call__(self, trainer):
            return True

    def function(trainer):
        return True

    trigger = Trigger() if form == 'object' else function

    def set_finished(value):
        if value is not None:
            trigger.finished = value
        elif hasattr(trigger, 'finished'):
            del trigger.finished

    class Recorder(ns.training.Extension):
        def __call__(self, trainer):
            seen.append(('call', trainer.updater.iteration))

        def initialize(self, trainer):
            seen.append(('initialize',))

    set_finished(at_extend)
    trainer = harness.make_trainer(ns, out, stop=(stop, 'iteration'))
    trainer.extend(Recorder(), name='recorder', trigger=trigger)
    set_finished(at_run)
    trainer.run()
    return seen
