"""A small, readable implementation of Chainer 7.8.1's training semantics.

The public namespace mirrors ``chainer``'s, so that ``pytest conformance
--impl=reference`` can drive it exactly as it drives real Chainer.
"""
from reference import backend  # NOQA
from reference import configuration  # NOQA
from reference.configuration import (  # NOQA
    config, force_backprop_mode, global_config, no_backprop_mode, using_config)
from reference.backend import get_device  # NOQA
from reference import dataset  # NOQA
from reference import functions  # NOQA
from reference import iterators  # NOQA
from reference import links  # NOQA
from reference import optimizer  # NOQA
from reference import optimizer_hooks  # NOQA
from reference import optimizers  # NOQA
from reference import reporter  # NOQA
from reference import serializers  # NOQA
from reference import training  # NOQA
from reference.link import Chain, ChainList, Link  # NOQA
from reference.optimizer import (  # NOQA
    GradientMethod, Hyperparameter, Optimizer, UpdateRule)
from reference.reporter import (  # NOQA
    DictSummary, Reporter, Summary, get_current_reporter, report, report_scope)
from reference.serializer import Deserializer, Serializer  # NOQA
from reference.variable import Parameter, Variable, as_array  # NOQA

__version__ = '0.1.0'
