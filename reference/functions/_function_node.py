"""The graph node behind every differentiable function of ``reference.functions``.

A node computes ``forward`` on raw arrays and ``backward`` on raw gradient
arrays; ``Variable.backward`` walks nodes from the loss towards the leaves.
"""
import weakref

from reference import configuration
from reference.variable import Variable, as_variable


class FunctionNode:
    """One application of a differentiable function."""

    rank = 0
    inputs = ()
    outputs = ()

    def apply(self, inputs):
        """Run ``forward`` and link its outputs to this node; returns Variables."""
        # Note: inputs are not type-checked, so a bad dtype or shape fails in
        # NumPy instead of raising InvalidType (chainer/function_node.py:FunctionNode.apply@v7.8.1)
        inputs = tuple(as_variable(x) for x in inputs)
        arrays = self.forward(tuple(x.array for x in inputs))
        requires_grad = any(x.requires_grad for x in inputs)
        outputs = tuple(Variable(y, requires_grad=requires_grad) for y in arrays)
        # Under no_backprop_mode() the outputs keep no creator: no graph.
        if requires_grad and configuration.config.enable_backprop:
            self.inputs = inputs
            self.rank = max(x.rank for x in inputs)
            for y in outputs:
                y.creator = self
            # Weak, like Chainer: an output nobody holds contributes no gradient.
            self.outputs = tuple(weakref.ref(y) for y in outputs)
        return outputs

    def forward(self, inputs):
        """Return a tuple of output arrays computed from ``inputs`` (arrays)."""
        raise NotImplementedError

    def backward(self, target_input_indexes, grad_outputs):
        """Return one gradient array (or None) per index in ``target_input_indexes``."""
        raise NotImplementedError


def sum_to(array, shape):
    """Sum a broadcast gradient back down to ``shape``."""
    if array.shape == tuple(shape):
        return array
    lead = array.ndim - len(shape)
    lead_axes = tuple(range(lead))
    ones = tuple(i + lead for i, size in enumerate(shape) if size == 1)
    summed = array.sum(lead_axes + ones, keepdims=True)
    return summed.squeeze(lead_axes) if lead else summed
