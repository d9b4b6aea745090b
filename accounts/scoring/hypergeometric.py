"""The Gauss hypergeometric function 2F1, guarded for the BG/NBD formulas.

BG/NBD needs 2F1(r + x, b + x; a + b + x - 1; z) with z = t / (alpha + T + t)
in [0, 1). Two things go wrong with a plain ``scipy.special.hyp2f1`` there:

* for a customer with many purchases (large x) the first two parameters are
  large, and the series - and the value, of order (1 - z)**(c - a - b) with a
  very negative exponent - overflows to ``inf`` or loses all precision;
* as z approaches 1 (a long prediction period t, or a young customer, T small
  against t) the series converges slowly and the value blows up the same way.

Euler's transformation

    2F1(a, b; c; z) = (1 - z)**(c - a - b) * 2F1(c - a, c - b; c; z)

moves the divergent factor into a closed form (taken as a logarithm) and leaves
a series whose upper parameters, c - a = a_bg + b_bg - 1 - r and c - b = a_bg - 1
for BG/NBD, do not grow with x at all. ``lifetimes`` switches to it only after
the plain value came out infinite; we switch to it as soon as z reaches
``Z_NEAR_ONE``, or when the plain value is not a finite positive number, and
keep the plain value only where the transformed one fails. Everything is
returned as a logarithm so that the caller can combine it with the other
factors without overflow.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import hyp2f1

#: From here on the transformed form is used; below it the plain series is
#: fast and exact to machine precision for the parameters BG/NBD produces.
Z_NEAR_ONE = 0.5


def log_hyp2f1(a: ArrayLike, b: ArrayLike, c: ArrayLike, z: ArrayLike) -> NDArray:
    """``log(2F1(a, b; c; z))`` for 0 <= z < 1 and a positive value of 2F1."""
    a, b, c, z = (
        np.ascontiguousarray(v, dtype=float)
        for v in np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, c, z)))
    )
    result = np.empty(z.shape)
    near_one = z >= Z_NEAR_ONE
    with np.errstate(all="ignore"):
        result[near_one] = _transformed(a[near_one], b[near_one], c[near_one], z[near_one])
        result[~near_one] = _plain(a[~near_one], b[~near_one], c[~near_one], z[~near_one])
        # Each form can fail where the other one holds: retry the failures.
        failed = ~np.isfinite(result)
        if failed.any():
            fa, fb, fc, fz = a[failed], b[failed], c[failed], z[failed]
            retry = np.where(near_one[failed], _plain(fa, fb, fc, fz), _transformed(fa, fb, fc, fz))
            result[failed] = np.where(np.isfinite(retry), retry, result[failed])
    return result


def _plain(a: NDArray, b: NDArray, c: NDArray, z: NDArray) -> NDArray:
    return np.log(hyp2f1(a, b, c, z))


def _transformed(a: NDArray, b: NDArray, c: NDArray, z: NDArray) -> NDArray:
    """Euler's transformation, as a logarithm."""
    return (c - a - b) * np.log1p(-z) + np.log(hyp2f1(c - a, c - b, c, z))
