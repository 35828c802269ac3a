"""Runners of the differential family that other families lack, shared with
the recorder of fixtures/ (each ``(ns, out_dir, case) -> plain trace``)."""
from conformance.runners import damaged, round_trips
from conformance.runners import training as training_runner
from conformance.strategies import trainer as trainer_scenarios


def name_probes(scenario):
    """Every name a registration in ``scenario`` can end up with, and one never used."""
    bases = trainer_scenarios.NAMES + ('<lambda>',)
    count = len(scenario.registrations)
    return bases + ('missing',) + tuple(f'{b}_{k}' for b in bases for k in range(1, count + 1))


def training(ns, out_dir, case):
    resumed, scenario = case
    run = training_runner.run_resumed if resumed else training_runner.run_uninterrupted
    return run(ns, scenario, out_dir)


def round_trip(ns, out_dir, case):
    """``(saved, loaded)`` content of a used trigger, iterator or optimizer
    and of a fresh one that loaded it through ``save_npz``/``load_npz``."""
    kind, spec, scenario, count = case
    if kind == 'trigger':
        used = round_trips.used_trigger(ns, spec, scenario, out_dir, min(count, scenario.stop))
        fresh = round_trips.build_trigger(ns, spec)
    elif kind == 'iterator':
        used = round_trips.build_iterator(ns, spec)
        round_trips.batches(used, count, stop_at_new_epoch=False)
        fresh = round_trips.build_iterator(ns, spec)
    else:
        used = round_trips.updated(ns, scenario, count)[1]
        fresh = round_trips.updated(ns, scenario, 0)[1]
    return round_trips.round_trip(ns, used, fresh, out_dir)


def damaged_load(ns, out_dir, case):
    """The key the damage hit, the error type (``None`` if the load
    succeeded), whether it warned, and the loaded content if it succeeded."""
    attempt = damaged.attempt_damaged_load(ns, case, out_dir)
    after = None
    if attempt.error is None:
        after = dict(attempt.after)
        after.pop(training_runner.ELAPSED, None)
    error = None if attempt.error is None else type(attempt.error).__name__
    return attempt.key, error, bool(attempt.warned), after
