"""Layer-wise adaptive rate scaling: ``g = (g + weight_decay * p) * rate`` with
``rate = |p| / (eps + |g| + weight_decay * |p|)`` when ``|p| > threshold``, else 1."""
from reference import backend


class GradientLARS:
    """Per-param 'pre' hook; norms are L2 norms over the whole array of one param."""

    name = 'GradientLARS'
    call_for_each_param = True
    timing = 'pre'

    def __init__(self, threshold=1e-2, weight_decay=0.0, eps=1e-9):
        self.threshold = threshold
        self.weight_decay = weight_decay
        self.eps = eps

    def __call__(self, rule, param):
        p, g = param.data, param.grad
        if p is None or g is None:
            return
        xp = backend.get_array_module(p)
        p_norm = xp.linalg.norm(p)
        g_norm = xp.linalg.norm(g)
        local_rate = p_norm / (self.eps + g_norm + self.weight_decay * p_norm)
        rate = xp.where(p_norm > self.threshold, local_rate, 1.0)
        g += self.weight_decay * p
        g *= rate
