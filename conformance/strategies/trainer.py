"""Scenarios for the trainer families: trigger precedence, trigger schedules,
priority ordering, extension names and the run lifecycle.

A scenario is plain frozen data that says what a user writes and registers
and how the run goes; it never says what should happen.  The runners
(``conformance.runners.trainer``, ``names``, ``schedules``, ``updater`` and
``trainer_api``) execute scenarios on the implementation.
"""
import dataclasses
import functools
import typing

from hypothesis import strategies as st

#: How an extension can be written (Chainer's ``Extension`` docstring lists
#: the last three; a lambda is the shortest "any callable").
FORMS = ('lambda', 'function', 'make_extension', 'subclass')

#: Names of the priority constants of ``chainer.training``.
PRIORITY_CONSTANTS = ('PRIORITY_WRITER', 'PRIORITY_EDITOR', 'PRIORITY_READER')


# --- extensions and their triggers -----------------------------------------

@dataclasses.dataclass(frozen=True)
class TriggerSpec:
    """A trigger as a user writes it.

    ``kind``: ``'none'`` (the value ``None``), ``'tuple'`` (``(period,
    'iteration')``), ``'interval'`` (an ``IntervalTrigger(period,
    'iteration')`` object) or ``'callable'`` (a function returning whether
    the iteration is in ``fires_at``; it may carry a ``finished`` attribute).
    """
    kind: str
    period: int = 1
    fires_at: tuple = ()
    finished: typing.Optional[bool] = None   # None: no such attribute


@dataclasses.dataclass(frozen=True)
class ExtensionSpec:
    """One extension: how it is written and how it is registered.

    ``own_*`` are the extension's attributes (``None``: not set, so the
    form's default applies); ``extend_*`` are the arguments given to
    ``Trainer.extend`` (``None``: not passed; a ``TriggerSpec('none')``
    passes ``trigger=None`` explicitly).
    """
    form: str = 'function'
    own_trigger: typing.Optional[TriggerSpec] = None
    extend_trigger: typing.Optional[TriggerSpec] = None
    own_priority: typing.Union[int, str, None] = None
    extend_priority: typing.Union[int, str, None] = None
    call_before_training: bool = False
    hooks: bool = False           # has initialize, on_error and finalize
    reports: bool = False         # reports {label: iteration} when called
    raises_at: typing.Optional[int] = None   # raises when called at this iteration (once)
    handler_raises: bool = False  # its on_error raises too


@dataclasses.dataclass(frozen=True)
class TrainerScenario:
    """A trainer over a ``SerialIterator``/``StandardUpdater`` and extensions.

    The updater first runs ``prior_iterations`` updates under an earlier
    trainer; this trainer's stop trigger is a callable that holds once
    ``prior_iterations + stop`` updates are done.  ``update_raises_at`` makes
    that update (counted from the first ever) raise.  ``run()`` is called
    ``runs`` times.
    """
    extensions: tuple
    stop: int
    prior_iterations: int = 0
    update_raises_at: typing.Optional[int] = None
    show_loop_exception_msg: bool = True
    runs: int = 1
    observes_before_training: bool = False  # record Trainer.is_before_training


#: ``before_training`` for scenarios that never call an extension before training.
NEVER = st.just(False)


def interval_triggers(max_period=4):
    return st.builds(TriggerSpec, kind=st.sampled_from(('tuple', 'interval')),
                     period=st.integers(1, max_period))


def callable_triggers(iterations, finished=st.just(None)):
    fires_at = st.sets(st.integers(1, iterations)).map(lambda s: tuple(sorted(s)))
    return st.builds(TriggerSpec, kind=st.just('callable'), fires_at=fires_at,
                     finished=finished)


@functools.lru_cache(maxsize=None)
def any_triggers(iterations):
    """Every kind a user can write, ``None`` included (built once per
    ``iterations``: building it costs more than a draw from it)."""
    return (st.just(TriggerSpec('none')) | interval_triggers()
            | callable_triggers(iterations))


@functools.lru_cache(maxsize=None)
def _given_or_not(iterations):
    """A trigger of ``any_triggers`` or none given."""
    return st.none() | any_triggers(iterations)


@st.composite
def precedence_scenarios(draw):
    """Extensions of every form with a trigger on the extension, in
    ``extend``, in both or in neither."""
    stop = draw(st.integers(1, 8))
    specs = []
    for _ in range(draw(st.integers(1, 4))):
        form = draw(st.sampled_from(FORMS))
        own = None if form == 'lambda' else draw(_given_or_not(stop))
        specs.append(ExtensionSpec(
            form=form, own_trigger=own,
            extend_trigger=draw(_given_or_not(stop))))
    return TrainerScenario(extensions=tuple(specs), stop=stop)


#: A priority passed as ``None`` explicitly (to ``make_extension`` or
#: ``extend``), which Chainer reads as "not given".
EXPLICIT_NONE = 'explicit None'


def priorities():
    """The three constants (by name), their values and neighbours, zero and
    negatives, and any integer: ``extend`` sorts whatever int it is given."""
    return (st.sampled_from(PRIORITY_CONSTANTS) | st.sampled_from((300, 200, 100, 0))
            | st.integers(99, 101) | st.integers(199, 201) | st.integers(299, 301)
            | st.integers(-200, 400) | st.integers())


@st.composite
def priority_scenarios(draw, failing=False, before_training=NEVER):
    """Reporting extensions with random priorities and overrides, some
    firing every ``k`` iterations; optionally one of them raises.
    ``before_training`` draws each one's ``call_before_training`` (only the
    properties that pin it vary it: the argument is Chainer 7's)."""
    stop = draw(st.integers(1, 4))
    count = draw(st.integers(2, 6))
    raiser = draw(st.integers(0, count - 1)) if failing else None
    specs = []
    for i in range(count):
        form = draw(st.sampled_from(FORMS))
        specs.append(ExtensionSpec(
            form=form,
            own_priority=None if form == 'lambda' else draw(
                st.none() | priorities()
                | (st.just(EXPLICIT_NONE) if form == 'make_extension' else st.nothing())),
            extend_priority=draw(st.none() | priorities() | st.just(EXPLICIT_NONE)),
            extend_trigger=TriggerSpec('tuple', period=draw(st.integers(1, 3))),
            call_before_training=draw(before_training),
            hooks=form != 'lambda' and draw(st.booleans()),
            reports=draw(st.booleans()),
            raises_at=draw(st.integers(1, stop)) if i == raiser else None))
    return TrainerScenario(extensions=tuple(specs), stop=stop)


@st.composite
def lifecycle_scenarios(draw, prior=st.just(0), failure=False, handler_errors=False,
                        runs=st.just(1), before_training=NEVER):
    """Extensions with hooks, before-training calls and triggers that may
    report ``finished``; optionally an extension or the update raises.
    ``before_training`` draws each one's ``call_before_training``; where it
    can be true the scenario also records ``Trainer.is_before_training``
    (both are Chainer 7's: only the properties that pin them use them)."""
    stop = draw(st.integers(1, 4))
    count = draw(st.integers(1, 4))
    fail_in = draw(st.sampled_from(('extension', 'update'))) if failure else None
    raiser = draw(st.integers(0, count - 1)) if fail_in == 'extension' else None
    prior_iterations = draw(prior)
    specs = []
    for i in range(count):
        form = draw(st.sampled_from(FORMS[1:]))
        trigger = draw(_lifecycle_triggers(prior_iterations + stop))
        specs.append(ExtensionSpec(
            form=form, extend_trigger=trigger,
            call_before_training=draw(before_training),
            hooks=draw(st.booleans()) or i == raiser,
            raises_at=(prior_iterations + draw(st.integers(1, stop))
                       if i == raiser else None),
            handler_raises=handler_errors and draw(st.booleans())))
    update_raises_at = (prior_iterations + draw(st.integers(1, stop))
                        if fail_in == 'update' else None)
    return TrainerScenario(
        extensions=tuple(specs), stop=stop, prior_iterations=prior_iterations,
        update_raises_at=update_raises_at,
        show_loop_exception_msg=True if handler_errors else draw(st.booleans()),
        runs=draw(runs), observes_before_training=before_training is not NEVER)


_FINISHED = st.none() | st.booleans()


@functools.lru_cache(maxsize=None)
def _lifecycle_triggers(iterations):
    """None, an interval or a callable trigger that may say ``finished``;
    built once per ``iterations``."""
    return st.none() | interval_triggers(3) | callable_triggers(iterations, _FINISHED)


# --- names ------------------------------------------------------------------

#: Few names, so that collisions, suffixes and 'training' are frequent.
NAMES = ('ext', 'ext_1', 'ext_2', 'ext_1_1', 'other', 'training')


@dataclasses.dataclass(frozen=True)
class NamedObject:
    """An extension object as far as its name is concerned.

    ``form``: ``'subclass'`` (an ``Extension`` subclass called
    ``type_name``; ``default_name``, if set, is a class attribute hiding the
    property), ``'function'`` (``__name__ == type_name``, attributes as
    given), ``'make_extension'`` (``make_extension(default_name=...)`` on such
    a function), ``'lambda'``, or ``'object'`` (a callable instance, which has
    no ``__name__``).  ``name`` is an initial ``name`` attribute.
    """
    form: str
    type_name: str = 'ext'
    name: typing.Optional[str] = None
    default_name: typing.Optional[str] = None


@dataclasses.dataclass(frozen=True)
class Registration:
    """``trainers[trainer].extend(objects[obj], name=name)``."""
    obj: int
    name: typing.Optional[str] = None
    trainer: int = 0


@dataclasses.dataclass(frozen=True)
class NamesScenario:
    objects: tuple
    registrations: tuple


@st.composite
def names_scenarios(draw, reuse_any=True):
    """Objects of every form registered up to seven times into two trainers.

    Without ``reuse_any`` only ``Extension`` subclass instances (whose
    ``name`` attribute Chainer documents as overwritten) are registered more
    than once.
    """
    names = st.sampled_from(NAMES)
    maybe = st.none() | names
    objects = []
    for _ in range(draw(st.integers(1, 4))):
        form = draw(st.sampled_from(('subclass', 'function', 'make_extension',
                                     'lambda', 'object')))
        objects.append(NamedObject(
            form=form, type_name=draw(names),
            name=None if form == 'lambda' else draw(st.none() | st.none() | names),
            default_name=None if form == 'lambda' else draw(maybe)))
    registrations, used = [], set()
    for _ in range(draw(st.integers(1, 7))):
        obj = draw(st.integers(0, len(objects) - 1))
        if not reuse_any and obj in used and objects[obj].form != 'subclass':
            continue
        used.add(obj)
        registrations.append(Registration(obj=obj, name=draw(st.none() | st.none() | names),
                                          trainer=draw(st.sampled_from((0, 0, 1)))))
    return NamesScenario(objects=tuple(objects), registrations=tuple(registrations))


# --- schedules --------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class IntervalSpec:
    period: typing.Union[int, float]
    unit: str


@dataclasses.dataclass(frozen=True)
class ManualSpec:
    points: typing.Union[int, float, tuple]   # a tuple is passed as a list
    unit: str


@dataclasses.dataclass(frozen=True)
class OnceSpec:
    call_on_resume: typing.Optional[bool]    # None: constructed without the argument


@dataclasses.dataclass(frozen=True)
class ScheduleScenario:
    """A trigger under test, called by a trainer at every iteration.

    ``n`` samples, batches of ``batch_size``, ``iterations`` updates by this
    trainer after ``prior_iterations`` by an earlier one on the same updater.
    """
    n: int
    batch_size: int
    iterations: int
    trigger: object
    prior_iterations: int = 0


def iterator_shapes(max_n=12, max_batch=5):
    return st.tuples(st.integers(1, max_n), st.integers(1, max_batch))


def fractions_of_epochs():
    """Non-integer epoch counts ``whole + num/den``, computed in floats the
    way a user writes ``0.3`` or ``1/3``."""
    return st.builds(lambda whole, den, num: whole + num / den,
                     st.integers(0, 1), st.sampled_from((2, 3, 4, 5, 10)),
                     st.integers(1, 9)).filter(lambda x: x != int(x))


@st.composite
def interval_scenarios(draw, fractional=False, prior=st.just(0)):
    n, batch_size = draw(iterator_shapes())
    if fractional:
        spec = IntervalSpec(draw(fractions_of_epochs()), 'epoch')
    else:
        spec = IntervalSpec(draw(st.integers(1, 4)),
                            draw(st.sampled_from(('iteration', 'epoch'))))
    return ScheduleScenario(n=n, batch_size=batch_size,
                            iterations=draw(st.integers(1, 25)), trigger=spec,
                            prior_iterations=draw(prior))


@st.composite
def manual_scenarios(draw):
    n, batch_size = draw(iterator_shapes())
    iterations = draw(st.integers(1, 20))
    unit = draw(st.sampled_from(('iteration', 'epoch')))
    if unit == 'iteration':
        point = st.integers(1, iterations + 2)
    else:
        point = st.integers(1, 3) | fractions_of_epochs()
    points = draw(point | st.lists(point, min_size=1, max_size=4).map(tuple))
    return ScheduleScenario(n=n, batch_size=batch_size, iterations=iterations,
                            trigger=ManualSpec(points, unit))


@st.composite
def once_scenarios(draw):
    n, batch_size = draw(iterator_shapes())
    return ScheduleScenario(n=n, batch_size=batch_size,
                            iterations=draw(st.integers(1, 5)),
                            trigger=OnceSpec(draw(st.sampled_from((None, False, True)))),
                            prior_iterations=draw(st.integers(0, 3)))


@st.composite
def stop_scenarios(draw):
    """A stop trigger ``(period, unit)``; ``iterations`` is unused."""
    n, batch_size = draw(iterator_shapes(max_n=8))
    spec = IntervalSpec(draw(st.integers(1, 5)), draw(st.sampled_from(('iteration', 'epoch'))))
    return ScheduleScenario(n=n, batch_size=batch_size, iterations=0, trigger=spec,
                            prior_iterations=draw(st.integers(0, 6)))


@dataclasses.dataclass(frozen=True)
class IteratorStatesScenario:
    """``iterations`` updates over ``n`` samples in batches of ``batch_size``;
    with ``repeat=False`` the run lasts one epoch (the rest is unused)."""
    n: int
    batch_size: int
    iterations: int
    repeat: bool = True


def iterator_scenarios():
    return st.builds(IteratorStatesScenario, n=st.integers(1, 8), batch_size=st.integers(1, 10),
                     iterations=st.integers(1, 12), repeat=st.booleans())


# --- the standard updater ------------------------------------------------------

#: What one dataset example is: one array, a tuple or a dict of arrays.
EXAMPLES = ('array', 'tuple', 'dict')


@dataclasses.dataclass(frozen=True)
class UpdaterScenario:
    """A ``StandardUpdater`` built as a user builds it, driven by a trainer
    for ``iterations`` updates over ``n`` examples in batches of
    ``batch_size``.

    ``example``: the form of an example (``EXAMPLES``; ``width`` arrays for
    a tuple or dict).  ``converter``: ``'default'`` (not passed),
    ``'recording'`` (a function that records its device argument and calls
    ``concat_examples``) or ``'list'`` (a function that returns the batch
    itself, a list).  ``loss``: ``'loss_func'`` (passed) or ``'model'`` (not
    passed, so the main optimizer's target is called).  ``device`` /
    ``input_device``: the run's device is passed as that argument.
    ``auto_new_epoch``: ``None`` leaves the argument out.  ``dicts``: the
    iterator and the optimizer are given as dicts holding a second,
    ``'extra'`` entry besides ``'main'``.
    """
    n: int
    batch_size: int
    iterations: int
    example: str = 'array'
    width: int = 1
    converter: str = 'default'
    loss: str = 'loss_func'
    device: bool = False
    input_device: bool = False
    auto_new_epoch: typing.Optional[bool] = None
    dicts: bool = False


def updater_scenarios():
    return st.builds(
        UpdaterScenario, n=st.integers(1, 6), batch_size=st.integers(1, 4),
        iterations=st.integers(1, 6), example=st.sampled_from(EXAMPLES),
        width=st.integers(1, 3),
        converter=st.sampled_from(('default', 'recording', 'list')),
        loss=st.sampled_from(('loss_func', 'model')), device=st.booleans(),
        input_device=st.booleans(), auto_new_epoch=st.sampled_from((None, True, False)),
        dicts=st.booleans())


@dataclasses.dataclass(frozen=True)
class ConstructionScenario:
    """``Trainer(updater, ...)``: ``out`` passed or left to its default,
    ``extensions`` a list of that many functions (``None``: not passed)."""
    out_given: bool
    extensions: typing.Optional[int]


def construction_scenarios():
    return st.builds(ConstructionScenario, out_given=st.booleans(),
                     extensions=st.none() | st.integers(0, 3))


# --- misuse of the extension API -------------------------------------------------

def rejected_keywords():
    """Keyword arguments that ``extend`` and ``make_extension`` do not take
    (prefixed so that none is a real parameter), sometimes with the removed
    ``invoke_before_training``."""
    return st.lists(st.from_regex(r'\Ax_[a-z]{1,5}\Z') | st.just('invoke_before_training'),
                    max_size=3, unique=True).map(tuple)


def missing_attributes():
    """Attribute names an ``Extension`` does not have, and the removed hook."""
    return st.lists(st.from_regex(r'\Amissing_[a-z]{1,5}\Z')
                    | st.just('invoke_before_training'), min_size=1, max_size=3)


def class_names():
    return st.from_regex(r'\A[A-Z][a-zA-Z]{0,8}\Z')
