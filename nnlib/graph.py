r"""Backpropagation on a graph of scalar operations (lesson 05).

A :class:`Value` is a number that remembers the operation and the values it was computed from.
:meth:`Value.backward` then applies the chain rule from the end of the graph to its start:
every node passes to each of its inputs its **local derivative times the upstream gradient**,

$$\frac{\partial f}{\partial x} \mathrel{+}= \frac{\partial \text{node}}{\partial x} \cdot
\frac{\partial f}{\partial \text{node}},$$

adding up (``+=``) when a value feeds several nodes. The nodes are visited in reverse
topological order, so a node's gradient is complete before it is passed on.

>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> f = (a * b + 1).tanh()
>>> f.backward()
>>> a.grad  # (1 - tanh(-5)^2) * b
"""

import math


class Value:
    """A scalar ``data`` with a gradient ``grad`` (0 until :meth:`backward` is called)."""

    def __init__(self, data, children=(), op="", label=""):
        self.data = float(data)
        self.grad = 0.0
        self.children = tuple(children)
        self.op = op
        self.label = label
        self._backward = lambda: None

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.4g}, grad={self.grad:.4g})"

    def __add__(self, other):
        r"""$\partial(a + b)/\partial a = 1$ and $\partial(a + b)/\partial b = 1$."""
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = backward
        return out

    def __mul__(self, other):
        r"""$\partial(a b)/\partial a = b$ and $\partial(a b)/\partial b = a$."""
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = backward
        return out

    def tanh(self):
        r"""$\tanh'(a) = 1 - \tanh^2 a$."""
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def backward():
            self.grad += (1 - t * t) * out.grad
        out._backward = backward
        return out

    def exp(self):
        r"""$(e^a)' = e^a$."""
        e = math.exp(self.data)
        out = Value(e, (self,), "exp")

        def backward():
            self.grad += e * out.grad
        out._backward = backward
        return out

    def __radd__(self, other):  # 1 + a
        return self + other

    def __rmul__(self, other):  # 2 * a
        return self * other

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):  # 1 - a
        return (-self) + other

    def backward(self):
        r"""Fill in ``grad`` $= \partial\,\text{self} / \partial\,\text{node}$ for every node
        of the graph that ends here, in reverse topological order."""
        self.grad = 1.0
        for node in reversed(topological_order(self)):
            node._backward()


def topological_order(root):
    """Every node of the graph that ends at ``root``, each after all the nodes it was
    computed from (inputs first, ``root`` last)."""
    order, seen = [], set()

    def visit(node):
        if id(node) not in seen:
            seen.add(id(node))
            for child in node.children:
                visit(child)
            order.append(node)
    visit(root)
    return order
