"""Funk's SMORMS3: a per-element memory length ``mem`` sets how fast the
running means of ``g`` and ``g^2`` forget; the step is capped at ``lr``."""
from reference import backend
from reference import optimizer

_default_hyperparam = optimizer.Hyperparameter()
_default_hyperparam.lr = 0.001
_default_hyperparam.eps = 1e-16


class SMORMS3Rule(optimizer.UpdateRule):
    """Update rule of SMORMS3 (hyperparameters: lr, eps; state: mem (starts at 1), g, g2)."""

    is_elementwise = True

    def __init__(self, parent_hyperparam=None, lr=None, eps=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        if lr is not None:
            self.hyperparam.lr = lr
        if eps is not None:
            self.hyperparam.eps = eps

    def init_state(self, param):
        xp = backend.get_array_module(param.data)
        self.state['mem'] = xp.ones_like(param.data)
        self.state['g'] = xp.zeros_like(param.data)
        self.state['g2'] = xp.zeros_like(param.data)

    def update_core(self, param):
        # Note: the state arrays are replaced by new ones at every step, not
        # updated in place, as on Chainer's CPU path; its GPU kernel updates
        # them in place (chainer/optimizers/smorms3.py:SMORMS3Rule.update_core_cpu@v7.8.1)
        grad = param.grad
        if grad is None:
            return
        hp = self.hyperparam
        xp = backend.get_array_module(grad)
        mem, g, g2 = self.state['mem'], self.state['g'], self.state['g2']
        r = 1 / (mem + 1)
        g = (1 - r) * g + r * grad
        g2 = (1 - r) * g2 + r * grad * grad
        x = g * g / (g2 + hp.eps)
        param.data -= grad * xp.minimum(x, hp.lr) / (xp.sqrt(g2) + hp.eps)
        mem = 1 + mem * (1 - x)
        self.state['mem'], self.state['g'], self.state['g2'] = mem, g, g2


class SMORMS3(optimizer.GradientMethod):
    def __init__(self, lr=_default_hyperparam.lr, eps=_default_hyperparam.eps):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.eps = eps

    lr = optimizer.HyperparameterProxy('lr')
    eps = optimizer.HyperparameterProxy('eps')

    def create_update_rule(self):
        return SMORMS3Rule(self.hyperparam)
