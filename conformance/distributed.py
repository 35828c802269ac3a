"""The suite under pytest-xdist (``pytest conformance -n auto``): one run
spread over processes, reported as one.

The process the user started (xdist's controller) reads the options, prints
the header, picks the seed when none is given and hands it to each worker
(``hand_seed``), so that every process draws the same examples
a serial run draws.  The workers collect and run the properties: each
report a worker sends back carries its property's record (``attach``), from
which the controller's ``reporting.Reporting`` keeps the records a serial run
keeps (``record_of``); what a worker finds wrong with the expectations, and a
stop for a namespace lacking most of the API, go back with its end-of-session
output (``hand_back``).  So only the controller prints the matrix, writes the
``--report`` files and applies ``--strict-expectations``, over every
property; a failure's ``--repro-dir`` script is written by the one worker
that ran the property.

Without pytest-xdist no worker exists and the xdist hooks (in ``plugin``
and ``reporting``) are never called.
"""

_SEED = 'conformance_seed'           # workerinput: the controller's seed
_PROBLEMS = 'conformance_problems'   # workeroutput: the expectations' problems
_STOP = 'conformance_stop'           # workeroutput: why the worker ran nothing
_RECORD = 'conformance_property'     # a worker's report: its property's entry


def is_worker(config):
    """Whether this process is an xdist worker (it reports to a controller)."""
    return hasattr(config, 'workerinput')


def controller_seed(config):
    """The seed the controller handed to this worker; None elsewhere."""
    return getattr(config, 'workerinput', {}).get(_SEED)


def hand_seed(node, run):
    """On the controller, starting the worker ``node``: give it the seed of
    ``run`` (the controller's ``session.Run``)."""
    if run is not None:
        node.workerinput[_SEED] = run.seed


def attach(report, prop):
    """Put the record of ``prop`` (``reporting.Property``) on a worker's
    ``report``: pytest serializes a report's attributes, so it reaches the
    controller with the report."""
    setattr(report, _RECORD, prop.entry())


def record_of(report):
    """The property's entry a worker attached to ``report``; None if none."""
    return getattr(report, _RECORD, None)


def stop(config, message):
    """On a worker: run nothing and have the controller stop with ``message``
    (``pytest.exit`` in a worker's collection crashes xdist's controller)."""
    config.workeroutput[_STOP] = message


def hand_back(config, problems):
    """On a worker, at the end of its session: what the controller merges."""
    config.workeroutput[_PROBLEMS] = list(problems)


def handed_back(node):
    """``(problems, stop message or None)`` a finished worker handed back."""
    output = getattr(node, 'workeroutput', None) or {}
    return output.get(_PROBLEMS, []), output.get(_STOP)
