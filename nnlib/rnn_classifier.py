r"""``RNNClassifier``: a vanilla RNN with a dense output layer on its last hidden state.

$$h_t = \tanh(x_t W_x + h_{t-1} W_h + b_h), \quad h_0 = 0, \qquad \hat y = g(h_T W_y + b_y)$$

The recurrent layer is :func:`~nnlib.rnn.rnn_forward` / :func:`~nnlib.rnn.rnn_backward`; the
output layer is a one-layer MLP (:func:`~nnlib.forward.run_forward`,
:func:`~nnlib.backprop.dense_backward`), whose input gradient becomes $dh_T$. It trains with
:func:`nnlib.training.fit` like every :class:`~nnlib.network.Network`, for example on
:func:`nnlib.toy_data.make_marker_sequences`.
"""

import numpy as np

from ._validation import as_float_array, check_finite, check_positive
from .backprop import dense_backward
from .costs import default_cost
from .forward import default_output_activation, run_forward
from .initialization import init_scale, initialize_parameters
from .network import Network
from .rnn import _rnn_backward, _rnn_forward


class RNNClassifier(Network):
    r"""A vanilla RNN with a dense output layer on its last hidden state $h_T$.

    $g$ is the sigmoid for one output (binary labels) and softmax for several.
    ``parameters``: ``Wx`` ``(D, Hdim)``, ``Wh`` ``(Hdim, Hdim)``, ``bh`` ``(Hdim,)``,
    ``Wy`` ``(Hdim, n_outputs)``, ``by`` ``(n_outputs,)`` (Xavier initialization, zero
    biases); gradients ``dWx``... ``l2``/``l1`` in :meth:`fit` penalize the three weight
    matrices; dropout is not supported.

    :meth:`fit`, :meth:`predict` and :meth:`evaluate` take sequences ``(m, T, D)`` (any
    ``T``), or ``(m, T)`` when ``D`` is 1.
    """

    def __init__(self, n_inputs=1, n_hidden=16, n_outputs=1, seed=0, dtype=np.float32):
        super().__init__(seed, dtype)
        for name, n in (("n_inputs", n_inputs), ("n_hidden", n_hidden),
                        ("n_outputs", n_outputs)):
            check_positive(n, name, integer=True)
        self.output_activation = default_output_activation(n_outputs)
        self.cost = default_cost(n_outputs)
        head = initialize_parameters(n_hidden, n_outputs, method="xavier", rng=self.rng,
                                     dtype=self.dtype)
        parameters = {}
        for name, shape in (("Wx", (n_inputs, n_hidden)), ("Wh", (n_hidden, n_hidden))):
            W = self.rng.standard_normal(shape, dtype=np.float64).astype(self.dtype)
            W *= self.dtype.type(init_scale("xavier", *shape))
            parameters[name] = W
        parameters["bh"] = np.zeros(n_hidden, dtype=self.dtype)
        parameters["Wy"], parameters["by"] = head["W1"], head["b1"]
        self.parameters = parameters

    @property
    def layer_sizes(self):
        """``(D, Hdim, n_outputs)``."""
        return (*self.parameters["Wx"].shape, self.parameters["Wy"].shape[1])

    def __repr__(self):
        D, Hdim, n_out = self.layer_sizes
        return (f"RNNClassifier(RNN({D} -> {Hdim}, tanh), Dense({Hdim} -> {n_out}, "
                f"{self.output_activation})): "
                f"{self.n_parameters():,} {self.dtype.name} parameters")

    def _head(self):
        """The output layer as a one-layer MLP's parameter dict (the same arrays)."""
        return {"W1": self.parameters["Wy"], "b1": self.parameters["by"]}

    # ---------------------------------------------------------------- the network interface

    def forward(self, X, training=False, dropout=0.0):
        """``(Z, A, cache)`` for checked sequences ``X`` ``(m, T, D)``: the output layer's
        logits and outputs ``(m, n_outputs)``. Raises ``ValueError`` for dropout."""
        if dropout:
            raise ValueError(f"RNNClassifier does not support dropout; got dropout={dropout}. "
                             f"Use l2= to regularize instead.")
        p = self.parameters
        h0 = np.zeros((len(X), p["Wh"].shape[0]), dtype=self.dtype)
        H, rnn_cache = _rnn_forward(X, h0, p["Wx"], p["Wh"], p["bh"])
        A, head_cache = run_forward(H[:, -1], self._head(), "tanh", self.output_activation)
        return head_cache["Z1"], A, (rnn_cache, head_cache)

    def backward(self, dZ, cache):
        """Gradients ``{"dWx", "dWh", "dbh", "dWy", "dby"}`` from ``dZ`` ``(m, n_outputs)``:
        the output layer, then backpropagation through time from $dh_T$."""
        rnn_cache, head_cache = cache
        head = dense_backward(self._head(), head_cache, dZ, input_gradient=True)
        H = rnn_cache[-1]
        dH = np.zeros_like(H)
        dH[:, -1] = head["dA0"]
        _, _, dWx, dWh, dbh = _rnn_backward(dH, rnn_cache)
        return {"dWx": dWx, "dWh": dWh, "dbh": dbh, "dWy": head["dW1"], "dby": head["db1"]}

    def weights(self):
        """``Wx``, ``Wh`` and ``Wy``: what the penalty applies to (not the biases)."""
        return {key: self.parameters[key] for key in ("Wx", "Wh", "Wy")}

    def check_X(self, X, name="X"):
        """Sequences ``(m, T, D)`` checked and in the model's dtype."""
        D = self.layer_sizes[0]
        X = as_float_array(X, name)
        if X.ndim == 2 and D == 1:
            X = X[:, :, None]
        if X.ndim != 3 or X.shape[2] != D or X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"{name} must be sequences of shape (m, T, {D}) with m, T >= 1"
                             f"{' (or (m, T))' if D == 1 else ''}, got shape {X.shape}.")
        check_finite(X, name)
        return X.astype(self.dtype, copy=False)

    def config(self):
        """The constructor arguments that rebuild this architecture (for :meth:`save`)."""
        n_inputs, n_hidden, n_outputs = self.layer_sizes
        return {"n_inputs": n_inputs, "n_hidden": n_hidden, "n_outputs": n_outputs,
                "dtype": self.dtype.name}

    @classmethod
    def parameter_shapes(cls, config):
        """The shape of every parameter for a :meth:`config`, without allocating."""
        D, Hdim, n_out = config["n_inputs"], config["n_hidden"], config["n_outputs"]
        for name, n in (("n_inputs", D), ("n_hidden", Hdim), ("n_outputs", n_out)):
            check_positive(n, name, integer=True)
        return {"Wx": (D, Hdim), "Wh": (Hdim, Hdim), "bh": (Hdim,), "Wy": (Hdim, n_out),
                "by": (n_out,)}
