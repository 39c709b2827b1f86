"""The membership playbook's control panel: its levers, its main chart, where its rules are.

The machinery (controls from the schema, live plan, save and reset) is in
`merchant_playbooks.panel`; labels are in `messages/<lang>/membership_community.yaml`
under `panel` and `panel_choice`. The main chart is the member levels: how many
customers sit in each and how many are within reach of the next, next to the
member rules the merchant publishes. The order history is read and its customers
valued once per file (`cache.py`), so a change only re-runs what the lever touches.
"""

from __future__ import annotations

from collections import OrderedDict

import altair as alt

from ..panel import Lever, PanelSpec
from ..plan import Plan
from .charts import chart_tiers

CHART_CACHE_SIZE = 16
_charts: OrderedDict[tuple, alt.Chart] = OrderedDict()


def chart_levels(plan: Plan) -> alt.Chart:
    """`chart_tiers`, built again only when what it shows changes.

    Most levers (the community, the rewards, the dates) leave the levels alone; building
    the chart costs milliseconds a change need not spend. Each caller gets its own
    shallow copy.
    """
    tiers = plan.tables["tiers"]
    key = (plan.language, *(tuple(tiers[c].tolist()) for c in ("tier", "customers", "near_next")))
    chart = _charts.get(key)
    if chart is None:
        chart = _charts[key] = chart_tiers(plan)
        if len(_charts) > CHART_CACHE_SIZE:
            _charts.popitem(last=False)
    else:
        _charts.move_to_end(key)
    return chart.copy(deep=False)


chart_levels.__wrapped__ = chart_tiers  # the chart it draws (README's panel table describes that one)


PANEL = PanelSpec(
    levers=(
        Lever("tier_source", "product"),
        Lever("tier_window_days", "product", unit="days", low=90, high=730, step=5),
        Lever("gross_margin", "product", unit="share", low=0.1, high=0.9),
        Lever("community.invite_pool", "audience"),  # a number, or empty for every follower
        Lever("community.group_size", "audience", unit="people", low=100, step=10),
        Lever("community.group_fill", "audience", unit="share"),
        Lever("community.active_rate", "audience", unit="share"),
        Lever("community.outside_lift", "audience", low=0.5, high=5, step=0.1),  # walk-ins during the sale
        Lever("reach_share", "audience", unit="share", low=0.05, high=0.5),
        Lever("repeat_uplift", "rewards", unit="share", high=0.5),
        Lever("benefit_budget_share", "rewards", unit="share", high=0.15, step=0.005),
        Lever("community.lottery.upgrade_price", "rewards", unit="money", step=1),
        Lever("start_date", "dates"),
        Lever("community.warmup_days", "dates", unit="days", high=14),
        Lever("community.event_days", "dates", unit="days", high=30),
        Lever("camp.days", "dates", unit="days"),
        Lever("camp.kept_rate", "audience", unit="share"),
    ),
    main_chart=chart_levels,
    rules_section="mechanics",  # the member rules and the group rules
    preview_simulations=500,
)
