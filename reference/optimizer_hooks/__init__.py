"""Optimizer hooks, one module each."""
from reference.optimizer_hooks.gradient_clipping import GradientClipping  # NOQA
from reference.optimizer_hooks.gradient_hard_clipping import GradientHardClipping  # NOQA
from reference.optimizer_hooks.gradient_lars import GradientLARS  # NOQA
from reference.optimizer_hooks.gradient_noise import GradientNoise  # NOQA
from reference.optimizer_hooks.lasso import Lasso  # NOQA
from reference.optimizer_hooks.weight_decay import WeightDecay  # NOQA
