"""M-SVAG: Adam's bias-corrected moments, with the step shrunk by an
estimate of the gradient's relative variance, plus decoupled weight decay.

``beta_power`` (``beta ** t`` for the bias correction) is a plain attribute
of the rule, not part of its state: it is not serialized, so a resumed rule
starts its bias correction again, as Chainer's does.
"""
from reference import backend
from reference import optimizer

_default_hyperparam = optimizer.Hyperparameter()
_default_hyperparam.lr = 0.1
_default_hyperparam.beta = 0.9
_default_hyperparam.eta = 1.0
_default_hyperparam.weight_decay_rate = 0


class MSVAGRule(optimizer.UpdateRule):
    """Update rule of MSVAG (hyperparameters: lr, beta, eta, weight_decay_rate; state: m, v)."""

    is_elementwise = True

    def __init__(self, parent_hyperparam=None, lr=None, beta=None, eta=None,
                 weight_decay_rate=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        if lr is not None:
            self.hyperparam.lr = lr
        if beta is not None:
            self.hyperparam.beta = beta
        if eta is not None:
            self.hyperparam.eta = eta
        if weight_decay_rate is not None:
            self.hyperparam.weight_decay_rate = weight_decay_rate
        # Note: read once, when the rule is built; a later change of beta
        # does not restart it (chainer/optimizers/msvag.py:MSVAGRule.__init__@v7.8.1)
        self.beta_power = self.hyperparam.beta

    def init_state(self, param):
        xp = backend.get_array_module(param.data)
        self.state['m'] = xp.zeros_like(param.data)
        self.state['v'] = xp.zeros_like(param.data)

    def update_core(self, param):
        # Note: one formula for NumPy and CuPy; Chainer's GPU kernel tests
        # m == v == 0 where this tests for NaN (chainer/optimizers/msvag.py:MSVAGRule.update_core_gpu@v7.8.1)
        grad = param.grad
        if grad is None:
            return
        hp = self.hyperparam
        xp = backend.get_array_module(grad)
        m, v = self.state['m'], self.state['v']
        rho = (((1.0 - hp.beta) ** 2) * (1.0 - self.beta_power ** 2) /
               (((1.0 - self.beta_power) ** 2) * (1.0 - hp.beta ** 2)))
        rho = min(rho, 0.9999)
        m += (1 - hp.beta) * (grad - m)
        v += (1 - hp.beta) * (grad * grad - v)
        mt = m / (1 - self.beta_power)
        vt = v / (1 - self.beta_power)
        mt2 = mt ** 2
        s = (vt - mt2) / (1 - rho)
        # Where m and v are still 0 the ratio is 0/0: NaN becomes a factor of 0.
        factor = xp.clip(mt2 / (mt2 + rho * s), 0, 1)
        factor = xp.where(xp.isnan(factor), factor.dtype.type(0), factor)
        param.data -= hp.eta * (hp.lr * mt * factor +
                                hp.weight_decay_rate * param.data)
        self.beta_power *= hp.beta


class MSVAG(optimizer.GradientMethod):
    def __init__(self, lr=_default_hyperparam.lr,
                 beta=_default_hyperparam.beta, eta=_default_hyperparam.eta,
                 weight_decay_rate=_default_hyperparam.weight_decay_rate):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.beta = beta
        self.hyperparam.eta = eta
        self.hyperparam.weight_decay_rate = weight_decay_rate

    lr = optimizer.HyperparameterProxy('lr')
    beta = optimizer.HyperparameterProxy('beta')
    eta = optimizer.HyperparameterProxy('eta')
    weight_decay_rate = optimizer.HyperparameterProxy('weight_decay_rate')

    def create_update_rule(self):
        return MSVAGRule(self.hyperparam)
