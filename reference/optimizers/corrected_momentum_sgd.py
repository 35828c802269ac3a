"""Momentum with the learning rate outside the velocity: ``v = momentum * v - g; p += lr * v``.

Unlike MomentumSGD, a change of ``lr`` rescales the whole accumulated
velocity at once (the "momentum correction" of Goyal et al., 2017).
"""
from reference import backend
from reference import optimizer

_default_hyperparam = optimizer.Hyperparameter()
_default_hyperparam.lr = 0.01
_default_hyperparam.momentum = 0.9


class CorrectedMomentumSGDRule(optimizer.UpdateRule):
    """Update rule of CorrectedMomentumSGD (hyperparameters: lr, momentum; state: v)."""

    is_elementwise = True

    def __init__(self, parent_hyperparam=None, lr=None, momentum=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        if lr is not None:
            self.hyperparam.lr = lr
        if momentum is not None:
            self.hyperparam.momentum = momentum

    def init_state(self, param):
        self.state['v'] = backend.get_array_module(param.data).zeros_like(param.data)

    def update_core(self, param):
        # Note: one formula for NumPy and CuPy; Chainer's GPU kernel may round
        # differently (chainer/optimizers/corrected_momentum_sgd.py:CorrectedMomentumSGDRule.update_core_gpu@v7.8.1)
        grad = param.grad
        if grad is None:
            return
        v = self.state['v']
        v *= self.hyperparam.momentum
        v -= grad
        param.data += self.hyperparam.lr * v


class CorrectedMomentumSGD(optimizer.GradientMethod):
    def __init__(self, lr=_default_hyperparam.lr,
                 momentum=_default_hyperparam.momentum):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.momentum = momentum

    lr = optimizer.HyperparameterProxy('lr')
    momentum = optimizer.HyperparameterProxy('momentum')

    def create_update_rule(self):
        return CorrectedMomentumSGDRule(self.hyperparam)
