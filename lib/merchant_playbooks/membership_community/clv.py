"""Customer lifetime value: BG/NBD purchases and Gamma-Gamma spend, fitted by maximum likelihood.

The closed forms are from Fader, Hardie & Lee (2005), "Counting your customers the
easy way: an alternative to the Pareto/NBD model" (BG/NBD), and Fader, Hardie &
Lee (2005), "RFM and CLV: using iso-value curves" (Gamma-Gamma spend). We fit
them with scipy (log-likelihood and its analytic gradient, L-BFGS-B on log
parameters) rather than depend on `lifetimes`/`btyd`, which are unmaintained
(FIELD_NOTES.md). Tests check our fit reproduces the published CDNOW parameters.

Inputs per customer, in the BG/NBD's terms (time in weeks):
- `x`: repeat purchases (purchase days after the first one),
- `t_x`: weeks from the first to the last purchase,
- `T`: weeks from the first purchase to the analysis date,
- `m`: average value of the repeat purchases (Gamma-Gamma uses repeat buyers only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.special import digamma, gammaln, hyp2f1

WEEKS_PER_MONTH = 365.25 / 12 / 7


class FitError(ValueError):
    """The history is too thin for the model (too few customers or repeat buyers)."""


# ---------------------------------------------------------------- the per-customer summary


def summarise(orders: pd.DataFrame, analysis_date: pd.Timestamp) -> pd.DataFrame:
    """Per customer `x`, `t_x`, `T` (weeks) and `m` from an orders table (customer_id, order_date, amount).

    Orders on the same day count as one purchase (their amounts add up), as in the
    BG/NBD papers; `m` is the mean of the repeat purchases' values (NaN without one).
    """
    days = orders["order_date"].values.astype("datetime64[D]").astype(np.int64)
    from .rfm import customer_codes

    codes, uniques = customer_codes(orders)
    amount = np.asarray(orders["amount"], dtype=float)
    # one row per customer-day
    key = codes.astype(np.int64) * 1_000_000 + (days - days.min())
    ukey, inv = np.unique(key, return_inverse=True)
    day_amount = np.bincount(inv, weights=amount)
    cust = ukey // 1_000_000
    day = ukey % 1_000_000 + days.min()
    n = len(uniques)
    # ukey is sorted by customer then day, so first/last are the group edges
    starts = np.searchsorted(cust, np.arange(n), side="left")
    ends = np.searchsorted(cust, np.arange(n), side="right") - 1
    first = day[starts]
    last = day[ends]
    purchase_days = ends - starts + 1
    first_value = day_amount[starts]
    total = np.bincount(cust, weights=day_amount, minlength=n)
    x = purchase_days - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(x > 0, (total - first_value) / np.maximum(x, 1), np.nan)
    today = np.datetime64(pd.Timestamp(analysis_date).date(), "D").astype(np.int64)
    return pd.DataFrame(
        {"x": x.astype(float), "t_x": (last - first) / 7.0, "T": (today - first) / 7.0, "m": m},
        index=pd.Index(uniques, name="customer_id"),
    )


# ---------------------------------------------------------------- BG/NBD


@dataclass(frozen=True)
class BgNbd:
    """Purchase rate λ ~ Gamma(r, α); after each purchase the customer drops out with p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float = float("nan")
    customers: int = 0

    def expected_purchases(self, t: float | np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """E[purchases in the next t weeks | x, t_x, T] (FHL 2005, eq. 10)."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
        t = np.asarray(t, dtype=float)
        z = t / (alpha + T + t)
        log_ratio = (r + x) * np.log((alpha + T) / (alpha + T + t))
        f = hyp2f1(r + x, b + x, a + b + x - 1, z)
        first = (a + b + x - 1) / (a - 1) * (1 - np.exp(log_ratio) * f)
        return first / self._alive_denominator(x, t_x, T)

    def p_alive(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """P(the customer has not dropped out | x, t_x, T); 1 for customers with no repeat purchase."""
        x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
        return 1.0 / self._alive_denominator(x, t_x, T)

    def _alive_denominator(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            log_term = np.log(a) - np.log(np.maximum(b + x - 1, 1e-12)) + (r + x) * (
                np.log(alpha + T) - np.log(alpha + t_x))
            term = np.where(x > 0, np.exp(np.minimum(log_term, 700)), 0.0)
        return 1.0 + term

    def to_dict(self) -> dict:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b, "log_likelihood": self.log_likelihood,
                "customers": self.customers}


def _compress(*cols: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Identical customers share one likelihood term: unique rows and their counts."""
    stacked = np.column_stack(cols)
    rows, counts = np.unique(stacked, axis=0, return_counts=True)
    return [rows[:, i] for i in range(rows.shape[1])], counts.astype(float)


def bgnbd_log_likelihood(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray,
                         w: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """Total log-likelihood and its gradient with respect to (r, α, a, b)."""
    r, alpha, a, b = params
    w = np.ones_like(x) if w is None else w
    repeat = x > 0
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    log_t = np.log(alpha + T)
    log_tx = np.log(alpha + t_x)
    a3 = -(r + x) * log_t
    a4 = np.full_like(x, -np.inf)
    bx1 = np.where(repeat, b + x - 1, 1.0)
    a4[repeat] = (np.log(a) - np.log(bx1) - (r + x) * log_tx)[repeat]
    top = np.logaddexp(a3, a4)
    ll = float(np.sum(w * (a1 + a2 + top)))
    w3 = np.exp(a3 - top)
    w4 = np.exp(a4 - top)  # 0 where there is no repeat purchase
    d_r = digamma(r + x) - digamma(r) + np.log(alpha) - w3 * log_t - w4 * log_tx
    d_alpha = r / alpha - w3 * (r + x) / (alpha + T) - w4 * (r + x) / (alpha + t_x)
    psi_ab = digamma(a + b)
    psi_abx = digamma(a + b + x)
    d_a = psi_ab - psi_abx + w4 / a
    d_b = psi_ab + digamma(b + x) - digamma(b) - psi_abx - w4 / bx1
    grad = np.array([np.sum(w * d) for d in (d_r, d_alpha, d_a, d_b)])
    return ll, grad


def _fit(neg_ll, start: np.ndarray) -> optimize.OptimizeResult:
    """Maximise over log-parameters so every parameter stays positive."""

    def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
        params = np.exp(theta)
        ll, grad = neg_ll(params)
        if not np.isfinite(ll):
            return 1e300, np.zeros_like(theta)
        return -ll, -grad * params

    res = optimize.minimize(fun, np.log(start), jac=True, method="L-BFGS-B",
                            bounds=[(-12, 12)] * len(start), options={"maxiter": 1000, "ftol": 1e-13, "gtol": 1e-7})
    return res


def fit_bgnbd(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, min_customers: int = 20) -> BgNbd:
    """Maximum-likelihood BG/NBD parameters for a cohort's (x, t_x, T)."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    if len(x) < min_customers:
        raise FitError(f"{len(x)} customers; the purchase model needs at least {min_customers}")
    if not (x > 0).any():
        raise FitError("no customer bought twice; the purchase model needs repeat buyers")
    (cx, ctx, cT), w = _compress(x, t_x, T)
    # scale α's start to the time unit: a customer's purchase rate is about mean(x)/mean(T)
    start = np.array([1.0, max(float(np.mean(T)), 1e-3), 1.0, 1.0])
    res = _fit(lambda p: bgnbd_log_likelihood(p, cx, ctx, cT, w), start)
    r, alpha, a, b = np.exp(res.x)
    return BgNbd(float(r), float(alpha), float(a), float(b), float(-res.fun), len(x))


# ---------------------------------------------------------------- Gamma-Gamma


@dataclass(frozen=True)
class GammaGamma:
    """Spend per purchase ~ Gamma(p, ν), with ν ~ Gamma(q, v) across customers."""

    p: float
    q: float
    v: float
    log_likelihood: float = float("nan")
    customers: int = 0

    @property
    def population_mean(self) -> float:
        """Mean spend per purchase across customers: p·v / (q − 1) (infinite when q ≤ 1)."""
        return self.p * self.v / (self.q - 1) if self.q > 1 else float("inf")

    def expected_spend(self, x: np.ndarray, m: np.ndarray) -> np.ndarray:
        """E[spend per purchase | x repeat purchases averaging m]: a weighted mean of m and the population's."""
        x = np.asarray(x, dtype=float)
        m = np.nan_to_num(np.asarray(m, dtype=float), nan=0.0)
        weight = self.p * x / (self.p * x + self.q - 1)
        return (1 - weight) * self.population_mean + weight * m

    def to_dict(self) -> dict:
        return {"p": self.p, "q": self.q, "v": self.v, "log_likelihood": self.log_likelihood,
                "customers": self.customers}


def gamma_gamma_log_likelihood(params: np.ndarray, x: np.ndarray, m: np.ndarray,
                               w: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """Log-likelihood of the average spends m over x purchases (constant terms kept), and its gradient."""
    p, q, v = params
    w = np.ones_like(x) if w is None else w
    px = p * x
    log_xm_v = np.log(x * m + v)
    ll = (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + (px - 1) * np.log(m) + px * np.log(x)
          - (px + q) * log_xm_v)
    d_p = x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - log_xm_v)
    d_q = digamma(px + q) - digamma(q) + np.log(v) - log_xm_v
    d_v = q / v - (px + q) / (x * m + v)
    grad = np.array([np.sum(w * d) for d in (d_p, d_q, d_v)])
    return float(np.sum(w * ll)), grad


def fit_gamma_gamma(x: np.ndarray, m: np.ndarray, min_customers: int = 10) -> GammaGamma:
    """Maximum-likelihood Gamma-Gamma parameters, on repeat buyers with a positive average spend."""
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    keep = (x > 0) & np.isfinite(m) & (m > 0)
    if keep.sum() < min_customers:
        raise FitError(f"{int(keep.sum())} repeat buyers; the spend model needs at least {min_customers}")
    (cx, cm), w = _compress(x[keep], m[keep])
    start = np.array([1.0, 2.0, float(np.mean(m[keep]))])
    res = _fit(lambda prm: gamma_gamma_log_likelihood(prm, cx, cm, w), start)
    p, q, v = np.exp(res.x)
    return GammaGamma(float(p), float(q), float(v), float(-res.fun), int(keep.sum()))


# ---------------------------------------------------------------- CLV


@dataclass(frozen=True)
class ClvModel:
    purchases: BgNbd
    spend: GammaGamma
    customers: pd.DataFrame  # index customer_id: x, t_x, T, m, p_alive, purchases_12m, spend_per_purchase, ...
    horizon_months: int
    annual_discount: float


def customer_value(summary: pd.DataFrame, horizon_months: int = 12, annual_discount: float = 0.10,
                   purchases: BgNbd | None = None, spend: GammaGamma | None = None) -> ClvModel:
    """Fit both models (unless given) and value every customer over the horizon.

    CLV is the discounted expected spend month by month:
    Σᵢ (E[purchases by month i] − E[purchases by month i−1]) × E[spend per purchase] / (1 + d)^i,
    with d the monthly rate equivalent to `annual_discount`.
    """
    x, t_x, T, m = (summary[c].to_numpy(dtype=float) for c in ("x", "t_x", "T", "m"))
    purchases = purchases or fit_bgnbd(x, t_x, T)
    spend = spend or fit_gamma_gamma(x, m)
    monthly = (1 + annual_discount) ** (1 / 12) - 1
    per_purchase = spend.expected_spend(x, m)
    cumulative = np.zeros_like(x)
    clv = np.zeros_like(x)
    for i in range(1, horizon_months + 1):
        nxt = purchases.expected_purchases(i * WEEKS_PER_MONTH, x, t_x, T)
        clv += (nxt - cumulative) * per_purchase / (1 + monthly) ** i
        cumulative = nxt
    out = summary.copy()
    out["p_alive"] = purchases.p_alive(x, t_x, T)
    out["purchases_next"] = cumulative
    out["spend_per_purchase"] = per_purchase
    out["spend_next"] = cumulative * per_purchase
    out["clv"] = clv
    return ClvModel(purchases, spend, out, horizon_months, annual_discount)


__all__ = ["BgNbd", "ClvModel", "FitError", "GammaGamma", "customer_value", "fit_bgnbd", "fit_gamma_gamma",
           "summarise"]
