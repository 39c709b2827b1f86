"""The bargaining playbook's control panel: its levers, its main chart, where its rules are.

The machinery (controls from the schema, live plan, save and reset) is in
`merchant_playbooks.panel`; labels are in `messages/<lang>/first_event_bargaining.yaml`
under `panel` and `panel_choice`. The main chart is the cut schedule: it follows
prices, helpers and the cut style at once, next to the rules the merchant publishes;
the panel takes its spec from `cut_schedule_spec` (the same dict, without Altair's cost).
"""

from __future__ import annotations

from ..panel import Lever, PanelSpec
from .charts import cut_schedule_spec

PANEL = PanelSpec(
    levers=(
        Lever("product", "product"),
        Lever("original_price", "product", unit="money", step=1),
        Lever("floor_price", "product", unit="money", step=1),
        Lever("unit_cost", "product", unit="money", step=1),
        Lever("stock", "product", unit="units", low=10, high=2000, step=10),
        Lever("close_when_sold_out", "product"),
        Lever("cut_style", "product"),
        Lever("helpers_needed", "audience", unit="people", high=40),
        Lever("forced_follow", "audience"),
        Lever("attempt_rate", "audience", unit="share", high=0.2),
        Lever("helpers_mean", "audience", unit="per_person", low=0.5, high=30, step=0.5),
        Lever("external_views", "audience", unit="views", widget="text", step=1000),
        Lever("product_views", "audience", unit="views", widget="text", step=1000),
        Lever("merchant.budget", "rewards", unit="money", step=100),
        Lever("fixed_costs", "rewards", unit="money", step=100),
        Lever("start_date", "dates"),
        Lever("duration_days", "dates", unit="days"),
        Lever("warmup_days", "dates", unit="days", high=14),
    ),
    main_chart=cut_schedule_spec,  # chart_cut_schedule's spec, its frame written once per language and currency
    rules_section="mechanics",
    # 500 draws keep a change under ~20 ms on 2 quiet cores (the budget is 50 ms on a busy machine);
    # the panel says the full plan runs the file's count
    preview_simulations=500,
)
