"""Chainer's loss scaling (chainer/optimizer.py:Optimizer.loss_scaling,
check_nan_in_grads, update_loss_scale, GradientMethod.update@v7.8.1;
SEMANTICS E4, E10).

A static scale multiplies the loss before backward and divides each
gradient after it; a dynamic one starts at 1, halves (and the update is
skipped) when a gradient is not finite, and otherwise doubles per update
until the first non-finite gradient, then grows by ``2 ** (1 / interval)``,
always between 1 and ``MAX_SCALE``.
"""
import numpy

from conformance.strategies.loss_scaling import DEFAULT_INTERVAL, MAX_SCALE


class LossScale:
    """Chainer's loss-scaling state: the scale (None until configured),
    whether it is dynamic, the growth multiplier and whether a non-finite
    gradient was ever seen."""

    def __init__(self):
        self.scale, self.dynamic, self.multiplier, self.seen_non_finite = None, False, None, False

    def configure(self, method, argument):
        scale = argument if method == 'set_loss_scale' else argument.get('scale')
        if scale is None:
            interval = argument.get('interval', DEFAULT_INTERVAL)
            self.dynamic, self.scale = True, 1.0
            self.multiplier, self.seen_non_finite = 2.0 ** (1.0 / interval), False
        else:
            # A static scale replaces the current one; a dynamic run stays dynamic.
            self.scale = scale

    def after_update(self, non_finite):
        if not self.dynamic:
            return
        self.seen_non_finite |= non_finite
        factor = 0.5 if non_finite else self.multiplier if self.seen_non_finite else 2.0
        self.scale = max(1, min(MAX_SCALE, self.scale * factor))


def predict_schedule(scenario):
    """What ``runners.loss_scaling.run_schedule`` returns for a
    ``ScaleScheduleScenario``, update by update, and the scale each
    update's backward pass used."""
    state = LossScale()
    params = {path: value.copy() for path, value in scenario.init.items()}
    rule_t, steps, scales = 0, [], []
    for t, (factors, calls) in enumerate(zip(scenario.factors, scenario.calls)):
        for call in calls:
            state.configure(*call)
        scales.append(state.scale)
        # backward: the loss's gradient is ones times the scale, and
        # d sum(p * f) / dp = f times that.
        top = numpy.ones((), scenario.dtype)
        if state.scale is not None:
            top *= state.scale
        seen = {path: numpy.asarray(factors[path] * top) for path in sorted(factors)}
        bad = [path for path in sorted(seen)
               if state.dynamic and not numpy.isfinite(seen[path]).all()]
        grads = {path: g.copy() for path, g in seen.items()}
        if not bad:
            rule_t += 1
            for path, g in grads.items():
                if state.scale is not None:
                    g /= state.scale
                params[path] -= scenario.lr * g
        steps.append({
            'seen': seen, 'grads': grads,
            'params': {path: p.copy() for path, p in params.items()},
            'rule_t': {path: rule_t for path in params}, 'optimizer_t': t + 1,
            'warnings': [('UserWarning', f'Non finite number found in param.grad of {path} '
                                         f'(iteration: {t}, loss_scale: {state.scale})')
                         for path in bad]})
        state.after_update(bool(bad))
    return steps, scales
