"""Customer lifetime value: our BG/NBD and Gamma-Gamma fits against the published CDNOW results."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from merchant_playbooks.membership_community import clv
from scipy import optimize


def cdnow(name: str) -> pd.DataFrame:
    """A CDNOW summary file as the `lifetimes` package ships it (test-only dependency; read, not imported)."""
    spec = importlib.util.find_spec("lifetimes")
    assert spec is not None and spec.submodule_search_locations, "pip install -e '.[test]' installs lifetimes"
    return pd.read_csv(Path(spec.submodule_search_locations[0]) / "datasets" / name)


@pytest.fixture(scope="module")
def cdnow_fit():
    s = cdnow("cdnow_customers_summary.csv")
    return s, clv.fit_bgnbd(s["frequency"], s["recency"], s["T"])


def test_bgnbd_reproduces_the_published_cdnow_parameters(cdnow_fit):
    # Fader, Hardie & Lee (2005): r = 0.243, α = 4.414, a = 0.793, b = 2.426 (2,357 customers, weeks)
    s, fit = cdnow_fit
    assert len(s) == 2357 and fit.customers == 2357
    assert fit.r == pytest.approx(0.24, abs=0.005)
    assert fit.alpha == pytest.approx(4.41, abs=0.005)
    assert fit.a == pytest.approx(0.79, abs=0.005)
    assert fit.b == pytest.approx(2.43, abs=0.005)
    assert fit.log_likelihood == pytest.approx(-9582.4, abs=0.1)


def test_gamma_gamma_reproduces_the_published_cdnow_parameters():
    # Fader, Hardie & Lee (2005), spend model on the 946 repeat buyers: p = 6.25, q = 3.74, v = 15.44
    g = cdnow("cdnow_customers_summary_with_transactions.csv")
    fit = clv.fit_gamma_gamma(g["x"], g["zbar"])
    assert fit.customers == 946
    assert fit.p == pytest.approx(6.25, abs=0.005)
    assert fit.q == pytest.approx(3.74, abs=0.005)
    assert fit.v == pytest.approx(15.45, abs=0.01)


def test_predictions_agree_with_lifetimes_on_cdnow(cdnow_fit):
    from lifetimes import BetaGeoFitter

    s, fit = cdnow_fit
    ref = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
    head = s.head(50)
    ours = fit.expected_purchases(39, head["frequency"], head["recency"], head["T"])
    theirs = ref.conditional_expected_number_of_purchases_up_to_time(39, head["frequency"], head["recency"],
                                                                      head["T"])
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)
    np.testing.assert_allclose(fit.p_alive(head["frequency"], head["recency"], head["T"]),
                               ref.conditional_probability_alive(head["frequency"], head["recency"], head["T"]),
                               rtol=1e-4)


def test_analytic_gradients_match_finite_differences(cdnow_fit):
    s, _ = cdnow_fit
    x, tx, T = (s[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    point = np.array([0.3, 5.0, 0.9, 2.0])
    err = optimize.check_grad(lambda p: clv.bgnbd_log_likelihood(p, x, tx, T)[0],
                              lambda p: clv.bgnbd_log_likelihood(p, x, tx, T)[1], point)
    assert err < 1e-3 * np.abs(clv.bgnbd_log_likelihood(point, x, tx, T)[1]).max()
    g = cdnow("cdnow_customers_summary_with_transactions.csv")
    g = g[g["x"] > 0]
    gx, gm = g["x"].to_numpy(dtype=float), g["zbar"].to_numpy(dtype=float)
    point = np.array([5.0, 3.0, 14.0])
    err = optimize.check_grad(lambda p: clv.gamma_gamma_log_likelihood(p, gx, gm)[0],
                              lambda p: clv.gamma_gamma_log_likelihood(p, gx, gm)[1], point)
    assert err < 1e-3 * np.abs(clv.gamma_gamma_log_likelihood(point, gx, gm)[1]).max()


def test_model_properties(cdnow_fit):
    _, fit = cdnow_fit
    # no repeat purchase: the model cannot have seen a dropout
    assert fit.p_alive(np.array([0.0]), np.array([0.0]), np.array([30.0]))[0] == 1.0
    # a long silence after many purchases makes a dropout likely
    assert fit.p_alive(np.array([10.0]), np.array([5.0]), np.array([60.0]))[0] < 0.1
    horizons = np.array([4.0, 13.0, 26.0, 52.0])
    e = fit.expected_purchases(horizons, np.full(4, 3.0), np.full(4, 30.0), np.full(4, 38.0))
    assert np.all(np.diff(e) > 0)
    gg = clv.GammaGamma(6.25, 3.74, 15.44)
    # the expected spend lies between the customer's own average and the population's
    v = gg.expected_spend(np.array([2.0]), np.array([100.0]))[0]
    assert gg.population_mean < v < 100.0


def test_summary_by_hand():
    orders = pd.DataFrame({
        "customer_id": ["a", "a", "a", "b", "c", "c"],
        "order_date": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-01-15", "2026-01-08", "2026-01-01",
                                      "2026-01-29"]),
        "amount": [10.0, 5.0, 30.0, 20.0, 8.0, 12.0],
    })
    s = clv.summarise(orders, pd.Timestamp("2026-02-12"))
    # a: two purchase days (the two orders on 1 Jan are one purchase): x = 1, t_x = 2 weeks, T = 6 weeks, m = 30
    assert s.loc["a"].tolist() == [1.0, 2.0, 6.0, 30.0]
    assert s.loc["b", "x"] == 0 and np.isnan(s.loc["b", "m"]) and s.loc["b", "T"] == 5.0
    assert s.loc["c"].tolist() == [1.0, 4.0, 6.0, 12.0]


def test_thin_histories_are_refused_with_a_reason():
    with pytest.raises(clv.FitError, match="at least 20"):
        clv.fit_bgnbd(np.zeros(5), np.zeros(5), np.ones(5))
    with pytest.raises(clv.FitError, match="no customer bought twice"):
        clv.fit_bgnbd(np.zeros(30), np.zeros(30), np.ones(30))
    with pytest.raises(clv.FitError, match="repeat buyers"):
        clv.fit_gamma_gamma(np.ones(3), np.ones(3))


def test_clv_is_discounted_expected_spend():
    s = cdnow("cdnow_customers_summary_with_transactions.csv").rename(columns={"zbar": "m"})
    s.loc[s["x"] == 0, "m"] = np.nan
    model = clv.customer_value(s[["x", "t_x", "T", "m"]], horizon_months=12, annual_discount=0.1)
    c = model.customers
    assert (c["clv"] <= c["spend_next"] + 1e-9).all()
    assert (c["clv"] >= c["spend_next"] / 1.1 - 1e-9).all()
    undiscounted = clv.customer_value(s[["x", "t_x", "T", "m"]], 12, 0.0, model.purchases, model.spend)
    np.testing.assert_allclose(undiscounted.customers["clv"], undiscounted.customers["spend_next"], rtol=1e-9)


def test_valuing_with_models_fitted_before_gives_exactly_what_fitting_gives():
    """The membership cache fits once and values each horizon with the fitted models: same numbers."""
    s = cdnow("cdnow_customers_summary_with_transactions.csv").rename(columns={"zbar": "m"})
    s.loc[s["x"] == 0, "m"] = np.nan
    s = s[["x", "t_x", "T", "m"]]
    purchases = clv.fit_bgnbd(s["x"], s["t_x"], s["T"])
    spend = clv.fit_gamma_gamma(s["x"], s["m"])
    for months, discount in ((12, 0.1), (6, 0.0)):
        fitted_inside = clv.customer_value(s, months, discount)
        given = clv.customer_value(s, months, discount, purchases, spend)
        assert (given.purchases, given.spend) == (fitted_inside.purchases, fitted_inside.spend)
        pd.testing.assert_frame_equal(given.customers, fitted_inside.customers, check_exact=True)
