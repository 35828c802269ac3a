"""Gradient methods, one module per optimizer and its update rule."""
from reference.optimizers.ada_delta import AdaDelta  # NOQA
from reference.optimizers.ada_grad import AdaGrad  # NOQA
from reference.optimizers.adam import AdaBound, Adam, AdamW, AMSBound, AMSGrad  # NOQA
from reference.optimizers.corrected_momentum_sgd import CorrectedMomentumSGD  # NOQA
from reference.optimizers.momentum_sgd import MomentumSGD  # NOQA
from reference.optimizers.msvag import MSVAG  # NOQA
from reference.optimizers.nesterov_ag import NesterovAG  # NOQA
from reference.optimizers.rmsprop import RMSprop  # NOQA
from reference.optimizers.rmsprop_graves import RMSpropGraves  # NOQA
from reference.optimizers.sgd import SGD  # NOQA
from reference.optimizers.smorms3 import SMORMS3  # NOQA
