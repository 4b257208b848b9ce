r"""Checks for lesson 12, deep networks: batch normalization forward and backward, and the
backward pass of a residual block.

The expected answers come from :mod:`nnlib.normalization` and :mod:`nnlib.residual`, computed
in float64. ``seed=None`` runs the visible cases; an int ``seed`` adds hidden cases of the same
kinds drawn from ``np.random.default_rng(seed)``. A warning (overflow, division by zero) in
the learner's function is a failure, not something to silence, and a result keeps the dtype
of its input (float32 stays float32, float64 stays float64).
"""

import numpy as np

from ..normalization import batchnorm_backward, batchnorm_forward
from ..residual import residual_backward, residual_forward
from .core import Case
from .strict import run_strict_check, visible_and_hidden

HINTS = {
    "lesson12-batchnorm-forward": (
        "Work column by column: each unit (a column of Z) gets its own mean and variance, "
        "taken over the examples of the batch (the rows). Subtract the mean, divide by the "
        "standard deviation (with eps inside the square root), then scale by gamma and shift "
        "by beta.",
        "z̄ⱼ = (1/m) Σᵢ Zᵢⱼ and Varⱼ = (1/m) Σᵢ (Zᵢⱼ − z̄ⱼ)² (divide by m, not m − 1); "
        "Ẑ = (Z − z̄) / √(Var + ε); out = γ ⊙ Ẑ + β. Reducing over the examples means "
        "reducing along the first axis.",
        "Test it yourself: with γ = 1 and β = 0 every column of the output has mean about 0 "
        "and standard deviation about 1 (a little less when ε matters).",
    ),
    "lesson12-batchnorm-backward": (
        "Recompute Ẑ and 1/√(Var + ε) from Z as in the forward pass. dβ and dγ are sums over "
        "the examples; dZ is harder because every Ẑᵢⱼ depends on the whole column j through "
        "its mean and variance.",
        "dβ = Σᵢ doutᵢ; dγ = Σᵢ (dout ⊙ Ẑ)ᵢ; with G = dout ⊙ γ: "
        "dZ = (m G − Σᵢ Gᵢ − Ẑ ⊙ Σᵢ (G ⊙ Ẑ)ᵢ) / (m √(Var + ε)), every sum over the rows.",
        "Sanity checks: every column of dZ sums to 0 (shifting a column does not change the "
        "output), and a dout that is the same in every row gives dZ = 0.",
    ),
    "lesson12-residual-backward": (
        "Redo the forward pass to get Z₁ = A W₁ + b₁ and R = relu(Z₁). The output is "
        "A + R W₂ + b₂: the gradient reaches A along two paths, the identity and the branch, "
        "and the two add up.",
        "dW₂ = Rᵀ dout; db₂ = Σᵢ doutᵢ; dZ₁ = (dout W₂ᵀ) ⊙ [Z₁ > 0] (0 where Z₁ ≤ 0, also "
        "at exactly 0); dW₁ = Aᵀ dZ₁; db₁ = Σᵢ dZ₁ᵢ; dA = dout + dZ₁ W₁ᵀ.",
        "Shapes: dA like A (m, n), dW₁ like W₁ (n, k), db₁ (k,), dW₂ like W₂ (k, n), db₂ (n,). "
        "A wrong transpose shows up as a wrong shape when n, k and m differ.",
    ),
}


# ----------------------------------------------------------------------------- batch norm


def batchnorm_forward_train(Z, gamma, beta, eps=1e-5):
    """The exercise's answer from nnlib: training-mode batch normalization, computed in
    float64 and returned in Z's dtype (float32 stays float32, as the check asks)."""
    out, _ = batchnorm_forward(np.asarray(Z, np.float64), np.asarray(gamma, np.float64),
                               np.asarray(beta, np.float64), eps=eps)
    return out.astype(np.result_type(np.asarray(Z).dtype, np.float32), copy=False)


def _batchnorm_case(description, Z, gamma, beta, eps, dtype):
    Z, gamma, beta = (np.asarray(a, dtype=dtype) for a in (Z, gamma, beta))
    return Case(description, (Z, gamma, beta, eps), batchnorm_forward_train(Z, gamma, beta, eps))


def batchnorm_forward_cases(rng=None):
    """Visible cases (``rng=None``) or hidden ones drawn from ``rng``, in float32."""
    f32 = np.float32
    if rng is not None:
        cases = []
        for index in range(4):
            m, n = int(rng.integers(2, 9)), int(rng.integers(1, 6))
            scale = 10.0 ** rng.uniform(-2.5, 2, size=n)
            Z = rng.standard_normal((m, n)) * scale + rng.uniform(-5, 5, size=n)
            gamma, beta = rng.uniform(-2, 2, n), rng.uniform(-2, 2, n)
            eps = float(10.0 ** rng.uniform(-5, -1))
            cases.append(_batchnorm_case(f"hidden case {index + 1}: Z {Z.shape}, eps {eps:.1e}",
                                         Z, gamma, beta, eps, f32))
        return cases
    counting = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 60.0]])
    tiny = np.array([[0.0, 1.0], [0.002, 1.0], [0.004, 1.0], [0.006, 1.0]])
    return [
        _batchnorm_case("Z = [[1, 10], [2, 20], [3, 60]] with gamma = 1, beta = 0 (each column "
                        "standardized on its own)", counting, np.ones(2), np.zeros(2), 1e-5, f32),
        _batchnorm_case("a 5 x 3 batch with gamma = [2, 0.5, -1] and beta = [1, -1, 3]",
                        rng_cases(0, (5, 3)), [2.0, 0.5, -1.0], [1.0, -1.0, 3.0], 1e-5, f32),
        _batchnorm_case("a batch of only 2 examples", [[4.0, -1.0, 0.5], [0.0, 3.0, 0.25]],
                        np.ones(3), np.zeros(3), 1e-5, f32),
        _batchnorm_case("a column with almost no spread (std 0.002) and a constant column: eps "
                        "matters, and a constant column must give beta, not NaN",
                        tiny, [1.0, 1.0], [0.0, 0.5], 1e-5, f32),
        _batchnorm_case("eps = 0.5 (use the eps you are given)", counting, [1.0, 2.0],
                        [0.0, 0.0], 0.5, f32),
        _batchnorm_case("values around 1000 (subtract the mean before squaring)",
                        1e3 + rng_cases(1, (6, 2)), [1.0, 1.0], [0.0, 0.0], 1e-5, f32),
        _batchnorm_case("a random 7 x 4 batch", rng_cases(2, (7, 4)) * 3 + 1,
                        rng_cases(3, (4,)), rng_cases(4, (4,)), 1e-5, f32),
    ]


def rng_cases(seed, shape):
    """Fixed standard-normal numbers for the visible cases."""
    return np.random.default_rng(1200 + seed).standard_normal(shape)


def check_batchnorm_forward(function, *, seed=None):
    r"""Check the learner's ``batchnorm_forward_train(Z, gamma, beta, eps)``.

    $$\hat Z = \frac{Z - \bar z}{\sqrt{\mathrm{Var}[z] + \varepsilon}}, \qquad
    \mathrm{out} = \gamma \odot \hat Z + \beta$$

    Z: ``(m, n)`` float32; gamma, beta: ``(n,)``; the answer ``(m, n)``.
    """
    cases = visible_and_hidden(batchnorm_forward_cases, seed)
    run_strict_check("batchnorm_forward_train", function, cases,
                     exercise="lesson12-batchnorm-forward", first="Z", rtol=1e-3, atol=1e-4,
                     why="a division by zero or an overflow: eps belongs inside the square root")


def batchnorm_backward_train(dout, Z, gamma, eps=1e-5):
    """The exercise's answer from nnlib: training-mode ``(dZ, dgamma, dbeta)``, float64."""
    gamma = np.asarray(gamma, np.float64)
    _, cache = batchnorm_forward(np.asarray(Z, np.float64), gamma, np.zeros_like(gamma),
                                 eps=eps)
    return batchnorm_backward(np.asarray(dout, np.float64), cache)


def _backward_case(description, dout, Z, gamma, eps):
    dout, Z, gamma = (np.asarray(a, dtype=np.float64) for a in (dout, Z, gamma))
    return Case(description, (dout, Z, gamma, eps),
                tuple(batchnorm_backward_train(dout, Z, gamma, eps)))


def batchnorm_backward_cases(rng=None):
    """Visible cases (``rng=None``) or hidden ones drawn from ``rng``, in float64."""
    if rng is not None:
        cases = []
        for index in range(4):
            m, n = int(rng.integers(2, 9)), int(rng.integers(1, 6))
            Z = rng.standard_normal((m, n)) * 10.0 ** rng.uniform(-1, 1, size=n)
            eps = float(10.0 ** rng.uniform(-5, 0))
            cases.append(_backward_case(f"hidden case {index + 1}: Z {Z.shape}, eps {eps:.1e}",
                                        rng.standard_normal((m, n)), Z,
                                        rng.uniform(-2, 2, n), eps))
        return cases
    Z = rng_cases(5, (6, 3)) * [1.0, 3.0, 0.5] + [0.0, 2.0, -1.0]
    return [
        _backward_case("a 6 x 3 batch with gamma = 1 and a random dout", rng_cases(6, (6, 3)),
                       Z, np.ones(3), 1e-5),
        _backward_case("gamma = [2, -0.5, 3] (the gradient reaching Z_hat is dout scaled by "
                       "gamma)", rng_cases(6, (6, 3)), Z, [2.0, -0.5, 3.0], 1e-5),
        _backward_case("a dout that is the same in every row (dZ must be 0; dbeta and dgamma "
                       "are not)", np.tile([1.0, -2.0, 0.5], (6, 1)), Z, [1.5, 1.0, 0.5], 1e-5),
        _backward_case("eps = 0.5 (use the eps you are given, inside the square root)",
                       rng_cases(7, (6, 3)), Z, [1.0, 2.0, 1.0], 0.5),
        _backward_case("a batch of only 2 examples", rng_cases(8, (2, 4)),
                       rng_cases(9, (2, 4)), rng_cases(10, (4,)), 1e-5),
        _backward_case("a tall 9 x 2 batch (m and n differ: sum over the examples)",
                       rng_cases(11, (9, 2)), rng_cases(12, (9, 2)) * 4, [0.7, -1.2], 1e-3),
    ]


def check_batchnorm_backward(function, *, seed=None):
    r"""Check the learner's ``batchnorm_backward_train(dout, Z, gamma, eps)``, which returns
    ``(dZ, dgamma, dbeta)`` shaped ``(m, n)``, ``(n,)``, ``(n,)``, in float64:

    $$dZ = \frac{1}{m\sqrt{\mathrm{Var}[z] + \varepsilon}} \Big(m\, d\hat Z - \sum_i d\hat Z
    - \hat Z \odot \sum_i d\hat Z \odot \hat Z\Big), \quad d\hat Z = d\mathrm{out} \odot \gamma$$
    """
    cases = visible_and_hidden(batchnorm_backward_cases, seed)
    run_strict_check("batchnorm_backward_train", function, cases,
                     exercise="lesson12-batchnorm-backward", first="dout", rtol=1e-5, atol=1e-8,
                     why="a division by zero or an overflow: eps belongs inside the square root")


# ----------------------------------------------------------------------------- residual block


def residual_block_backward(dout, A, W1, b1, W2):
    """The exercise's answer from nnlib: ``(dA, dW1, db1, dW2, db2)`` in float64 (``b2``
    changes no gradient, so it is not an argument)."""
    arrays = [np.asarray(a, np.float64) for a in (A, W1, b1, W2)]
    _, cache = residual_forward(*arrays, np.zeros(arrays[3].shape[1]))
    return tuple(residual_backward(np.asarray(dout, np.float64), cache))


def _residual_case(description, dout, A, W1, b1, W2):
    arrays = tuple(np.asarray(a, dtype=np.float64) for a in (dout, A, W1, b1, W2))
    return Case(description, arrays, residual_block_backward(*arrays))


def residual_backward_cases(rng=None):
    """Visible cases (``rng=None``) or hidden ones drawn from ``rng``, in float64."""
    if rng is not None:
        cases = []
        for index in range(4):
            m, n, k = (int(v) for v in rng.choice(np.arange(1, 8), size=3, replace=False))
            cases.append(_residual_case(
                f"hidden case {index + 1}: A ({m}, {n}), W1 ({n}, {k})",
                rng.standard_normal((m, n)), rng.standard_normal((m, n)),
                rng.standard_normal((n, k)), rng.standard_normal(k),
                rng.standard_normal((k, n))))
        return cases
    m, n, k = 5, 3, 4
    A, W1, b1, W2 = (rng_cases(20, (m, n)), rng_cases(21, (n, k)), rng_cases(22, (k,)),
                     rng_cases(23, (k, n)))
    # integer arrays where some hidden units sit exactly at Z1 = 0 (relu'(0) = 0 in nnlib)
    A0 = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    W10 = np.array([[1.0, -1.0, 2.0], [-1.0, 1.0, 1.0]])
    return [
        _residual_case("a random block, A (5, 3), W1 (3, 4), W2 (4, 3)",
                       rng_cases(24, (m, n)), A, W1, b1, W2),
        _residual_case("dout = 0 (every gradient is 0)", np.zeros((m, n)), A, W1, b1, W2),
        _residual_case("W2 = 0: the branch is silent, so dA = dout and dW1 = 0",
                       rng_cases(25, (m, n)), A, W1, b1, np.zeros((k, n))),
        _residual_case("b1 = -10: every hidden unit is off (relu' = 0), only the identity "
                       "path carries the gradient", rng_cases(26, (m, n)), A, W1,
                       np.full(k, -10.0), W2),
        _residual_case("hidden units exactly at Z1 = 0 (take relu'(0) = 0)",
                       np.ones((3, 2)), A0, W10, np.array([0.0, 0.0, -1.0]),
                       np.array([[1.0, 2.0], [-1.0, 1.0], [0.5, -0.5]])),
        _residual_case("one example, A (1, 3)", rng_cases(27, (1, n)), A[:1], W1, b1, W2),
    ]


def check_residual_backward(function, *, seed=None):
    r"""Check the learner's ``residual_block_backward(dout, A, W1, b1, W2)``, the gradients
    ``(dA, dW1, db1, dW2, db2)`` of $\mathrm{out} = A + \mathrm{relu}(A W_1 + b_1) W_2 + b_2$,
    in float64. A: ``(m, n)``; W1: ``(n, k)``; b1: ``(k,)``; W2: ``(k, n)``.
    """
    cases = visible_and_hidden(residual_backward_cases, seed)
    run_strict_check("residual_block_backward", function, cases,
                     exercise="lesson12-residual-backward", first="dout", rtol=1e-6, atol=1e-9,
                     why="NumPy warned: look at the step where it happened")
