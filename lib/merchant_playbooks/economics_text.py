"""The P&L section every playbook shares: `plan.json` `economics` shown as a table and a verdict.

Every number is a reference into `economics` (see `figref`), so the table, the verdict and any
other mention of the event's money read the same values.
"""

from __future__ import annotations

import pandas as pd

from . import i18n
from .economics import LINES, RATIOS
from .figref import fig, fig_range
from .render import range_decimals
from .plan import Callout, Para, Plan, Section, Table

#: the lines shown, in P&L order; each is a row of `plan.tables["economics"]`
SHOWN = ("revenue", "discounts", "net_sales", "cogs", "gross_profit", "rewards", "fixed", "cash_out", "net",
         "roi", "cost_per_result", "break_even")
LEVEL = {"pays_back": "info", "may_pay_back": "warning", "pays_back_later": "warning",
         "does_not_pay_back": "danger"}


def economics_table(economics: dict) -> pd.DataFrame:
    rows = []
    for line in SHOWN:
        band = economics[line]
        kind = "share" if line == "roi" else "count" if line == "break_even" else "money"
        rows.append({"line": line, "kind": kind, "p10": band["p10"], "p50": band["p50"], "p90": band["p90"]})
    return pd.DataFrame(rows)


def economics_section(plan: Plan) -> Section:
    """The section, after `plan.data["economics"]` is set; also puts its table in `plan.tables`."""
    lang, e = plan.language, plan.data["economics"]
    plan.tables["economics"] = economics_table(e)
    t = lambda key, **kw: i18n.t(f"common.economics.{key}", lang, **kw)
    result = i18n.t(f"common.economics.result.{e['result']}", lang)
    verdict = e["verdict"]["key"]
    shown = verdict
    if verdict == "does_not_pay_back" and e["revenue"]["p90"] == 0:  # nothing sold: no margin to break even at
        shown = "does_not_pay_back_no_sales"
    blocks = [
        Para(t("intro", result=result)),
        Table("economics", labels=(("line", t("line")), ("p10", t("low")), ("p50", t("expected")),
                                   ("p90", t("high"))),
              formats=(("line", "key:common.economics.lines"), ("p10", "row_kind"), ("p50", "row_kind"),
                       ("p90", "row_kind"))),
        Callout(t(f"verdict.{shown}", net=fig_range("economics.net", "money"),
                  share=fig("economics.pays_back_share", "share"), result=result,
                  cost=fig("economics.cost_per_result.p50", "money"),
                  # the low case's shortfall reads as the low end of the net range printed beside it
                  shortfall=fig("economics.verdict.shortfall_p10",
                                "money_whole" if range_decimals(*(e["net"][p] for p in ("p10", "p50", "p90"))) == 0
                                else "money"),
                  break_even=fig("economics.break_even.p50", "count")),
                LEVEL[verdict]),
    ]
    return Section("economics", i18n.t("common.section.economics", lang), blocks)


assert set(SHOWN) <= set(LINES + RATIOS)
