"""The zero-fan launch's control panel: its levers, its main chart, where its rules are.

The machinery (controls from the schema, live plan, save and reset) is in
`merchant_playbooks.panel`; labels are in `messages/<lang>/zero_fan_launch.yaml` under
`panel` and `panel_choice`. The levers are the ones the merchant decides in the room
(the mechanic, the reward and its threshold, who shares first, whether helpers must follow,
the price of what participants sign up for, the dates) and the rates a consultant argues
most about (who registers, who helps, who pays). The main chart is the
points distribution with the threshold drawn in: it moves with the threshold, the
mechanic's reach and the rates, next to the rules the merchant publishes.

The budget moves the cash check in the rewards and the mechanic table in the decision
section: the panel's status line names those sections when they change. Left out on
purpose: the margin (the decision section only), and the partners, a list the params
file describes better than a slider.
"""

from __future__ import annotations

from ..panel import Lever, PanelSpec
from .charts import chart_points

PANEL = PanelSpec(
    levers=(
        Lever("mechanic", "product"),
        Lever("product", "product"),
        Lever("staff", "audience", unit="people", high=100),
        Lever("views_per_share", "audience", high=100, step=1),
        Lever("join_rate", "audience", unit="share", high=0.2),
        Lever("help_rate", "audience", unit="share", step=0.01),
        Lever("forced_follow", "audience"),
        Lever("price", "product", unit="money", step=100),
        Lever("paid_rate", "audience", unit="share", high=0.3, step=0.01),
        Lever("reward_threshold", "rewards", low=5, high=200),
        Lever("reward_value", "rewards", unit="money", step=10),
        Lever("reward_cap", "rewards", unit="people"),
        Lever("retention_gift_cost", "rewards", unit="money", step=1),
        Lever("fixed_costs", "rewards", unit="money", step=100),
        Lever("merchant.budget", "rewards", unit="money", step=100),
        Lever("start_date", "dates"),
        Lever("duration_days", "dates", unit="days", high=30),
        Lever("staff_days", "dates", unit="days", high=10),
    ),
    main_chart=chart_points,
    rules_section="mechanics",
    # 500 draws: on the sample, the headline P50s stay within ~5% of the 4,000-draw plan's and P10/P90
    # within ~10% (worst of three seeds; 1,000 draws is hardly closer, 250 is twice as far), and every
    # lever moves the numbers the way the model says, as the draws are the same seeded ones. A change
    # costs ~15 ms on 2 quiet cores. The panel says the full plan runs the file's count.
    preview_simulations=500,
)
