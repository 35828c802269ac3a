"""Report statistics of parameter values and gradients.

Chainer 7.8.1 ``chainer/training/extensions/parameter_statistics.py``.  Each
call computes every statistic of every flattened parameter array (``data``)
and gradient (``grad``) and adds them to a ``DictSummary``; when the
interval trigger fires, the means are reported (without an observer, so the
keys are used as they are) and the summary restarts.  A key reads
``[<prefix>/]<link name><param path>/<data|grad>/<statistic>``, e.g.
``None/l1/W/grad/mean`` for an unnamed root link; a statistic returning an
array of more than one element gives one key per element, suffixed
``/0``, ``/1``, ...
"""
import numpy

from reference import backend
from reference import reporter
from reference.training import extension
from reference.training import util


def _module(x):
    return backend.get_array_module(x)


_default_statistics = {
    'mean': lambda x: _module(x).mean(x),
    'std': lambda x: _module(x).std(x),
    'min': lambda x: _module(x).min(x),
    'max': lambda x: _module(x).max(x),
    'zeros': lambda x: _module(x).count_nonzero(x == 0),
    'percentile': lambda x: _module(x).percentile(
        x, (0.13, 2.28, 15.87, 50, 84.13, 97.72, 99.87)),
}


class ParameterStatistics(extension.Extension):
    """Trainer extension reporting statistics of links' parameters.

    Args:
        links (Link or iterable of Link): Links whose ``namedparams()`` are
            observed; each one's ``name`` starts its keys.
        statistics (dict or 'default'): Statistic name to a function of a
            1-d array; ``'default'`` for ``default_statistics``, ``None``
            for none.
        report_params (bool): Report statistics of the parameter values.
        report_grads (bool): Report statistics of the gradients.
        prefix (str): Prepended to every key, followed by ``/``.
        trigger: When to report the accumulated means; a tuple goes to
            ``IntervalTrigger``.  Distinct from the extension's trigger.
        skip_nan_params (bool): For an array containing NaN, record a single
            NaN per statistic instead of computing it.
    """

    default_name = 'parameter_statistics'
    priority = extension.PRIORITY_WRITER

    # The prefix argument gets its '/' added; param names start with '/'.
    report_key_template = ('{prefix}{link_name}{param_name}/{attr_name}/'
                           '{function_name}')

    default_statistics = _default_statistics

    def __init__(self, links, statistics='default',
                 report_params=True, report_grads=True, prefix=None,
                 trigger=(1, 'epoch'), skip_nan_params=False):
        # Note: Chainer's code wraps anything but a list or tuple as one
        # link, so a generator or set of links fails at the first call; the
        # reference accepts the documented "iterable of Link" (a lone link
        # is recognized by its namedparams method)
        # (chainer/training/extensions/parameter_statistics.py:ParameterStatistics.__init__@v7.8.1).
        if not isinstance(links, (list, tuple)):
            links = (links,) if hasattr(links, 'namedparams') \
                else tuple(links)
        self._links = links

        if statistics is None:
            statistics = {}
        elif statistics == 'default':
            statistics = self.default_statistics
        self._statistics = dict(statistics)

        self._attrs = []
        if report_params:
            self._attrs.append('data')
        if report_grads:
            self._attrs.append('grad')

        self._prefix = prefix
        self._trigger = util.get_trigger(trigger)
        self._summary = reporter.DictSummary()
        self._skip_nan_params = skip_nan_params

    def __call__(self, trainer):
        """Add this call's statistics; report and reset when triggered."""
        statistics = {}
        prefix = self._prefix + '/' if self._prefix else ''
        for link in self._links:
            link_name = getattr(link, 'name', 'None')
            for param_name, param in link.namedparams():
                for attr_name in self._attrs:
                    for function_name, function in self._statistics.items():
                        key = self.report_key_template.format(
                            prefix=prefix, link_name=link_name,
                            param_name=param_name, attr_name=attr_name,
                            function_name=function_name)
                        values = getattr(param, attr_name).ravel()
                        statistics.update(
                            self._entries(key, function, values))
        self._summary.add(statistics)

        if self._trigger(trainer):
            reporter.report(self._summary.compute_mean())
            self._summary = reporter.DictSummary()

    def _entries(self, key, function, values):
        if self._skip_nan_params and _module(values).isnan(values).any():
            return {key: numpy.nan}
        value = function(values)
        if isinstance(value, backend.get_array_types()) and value.size > 1:
            return {f'{key}/{index}': element
                    for index, element in enumerate(value)}
        return {key: value}

    def register_statistics(self, name, function):
        """Add (or replace) the statistic ``name``, computed by ``function``
        of a 1-d array."""
        self._statistics[name] = function
