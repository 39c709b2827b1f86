"""The cadence playbook's control panel: its levers, its main chart, where its rules are.

The machinery (controls from the schema, live plan, save and reset) is in
`merchant_playbooks.panel`; labels are in `messages/<lang>/rapid_growth_cadence.yaml`
under `panel`. The levers are the ones a consultant moves with the merchant in the
room: how premium the shop is and how deep the ladder cuts go, how visits turn into
orders and members, what each sale costs, and how far apart sales sit. The main
chart is the month-by-month target against the forecast range; the rules are the
calendar rules the merchant publishes (weekly fixtures, discount rhythm, warm-ups).
"""

from __future__ import annotations

from ..panel import Lever, PanelSpec
from .charts import monthly_targets_spec

PANEL = PanelSpec(
    levers=(
        Lever("premium", "product"),  # auto / yes / no
        Lever("average_order_value", "product", unit="money"),
        Lever("ladder_size", "product", unit="units"),
        Lever("draw_discount", "product", unit="share", high=0.7),
        Lever("value_discount", "product", unit="share", high=0.5),
        Lever("conversion_rate", "audience", unit="share", high=0.2),
        Lever("new_member_rate", "audience", unit="share", high=0.5),
        Lever("baseline_growth", "audience", unit="share", low=-0.5, high=1.5, step=0.01),
        Lever("weekly_lift", "audience", unit="share", low=0.0, high=1.0, step=0.01),
        Lever("merchant.budget", "rewards", unit="money", step=500),
        Lever("fixed_cost_per_event", "rewards", unit="money", step=50),
        Lever("warmup_days", "dates", unit="days", high=14),
        Lever("min_days_between_discounts", "dates", unit="days", high=21),
        Lever("max_discount_events_per_year", "dates"),  # empty: the default cap (10, premium 5)
    ),
    # the same spec as `charts.chart_monthly_targets` (a test holds them equal), built from a
    # cached frame: only the twelve months' numbers change when a lever moves
    main_chart=monthly_targets_spec,
    rules_section="mechanics",
    # 500 draws keep the P10/P50/P90 within about a percent of the full run's; the panel
    # says the full plan runs the file's count
    preview_simulations=500,
)
