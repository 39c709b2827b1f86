"""The membership plan's words about value: rewards (benefits, gifts, lottery), the forecast, the decision.

Like `words.py`, it formats the figures and never works one out.
"""

from __future__ import annotations

from .. import i18n
from ..figref import fig, fig_range
from ..figures import Figures
from ..plan import Callout, Code, KpiGrid, Para, Section, Table
from ..pull_new import pull_new_warning
from .rows import rows
from .voice import NS, Voice


def rewards(f: Figures, s, v: Voice, tables: dict) -> Section:
    """Benefits against what customers are worth; ROI; gifts; the lottery (`tables` gets the view's gifts)."""
    t, c, econ = v.t, s.community, f.model.economics
    blocks: list[object] = [
        Para(t("rewards.benefits", share=i18n.percent(s.benefit_budget_share, 0),
               margin=i18n.percent(s.gross_margin, 0), months=s.clv_months)),
        Table("tiers", t("rewards.tiers_caption"), labels=(
            ("tier", t("col.tier")), ("customers", t("col.customers")),
            ("clv_mean", t("col.clv_mean", months=s.clv_months)), ("spend_next", t("col.spend_next", months=s.clv_months)),
            ("benefit_cost", t("col.benefit_cost")), ("benefit_cost_per_member", t("col.benefit_cost_per_member")),
            ("benefit_budget", t("col.benefit_budget")), ("worth", t("col.worth")), ("flag_text", t("col.flag"))),
            formats=(("customers", "count"), ("clv_mean", "money"), ("spend_next", "money"),
                     ("benefit_cost", "money"), ("benefit_cost_per_member", "money"), ("benefit_budget", "money"),
                     ("worth", "money"))),
    ]
    for i, row in enumerate(rows(f.tables["tiers"])):
        cell = lambda col, i=i: fig(f"tables.tiers.{i}.{col}", "money")
        if row.flag == "over_worth":
            blocks.append(Callout(t("rewards.over_worth", tier=row.tier, cost=cell("benefit_cost"),
                                    worth=cell("worth")), "danger"))
        elif row.flag == "over_budget":
            blocks.append(Callout(t("rewards.over_budget", tier=row.tier, cost=cell("benefit_cost"),
                                    budget=cell("benefit_budget")), "warning"))
    if f.model.clv is None:
        blocks.append(Callout(t("rewards.no_clv", why=f.data["clv_problem"]), "warning"))
    uplift = f"{fig('figures.repeat_uplift.low', 'share')}–{fig('figures.repeat_uplift.high', 'share')}"
    blocks.append(Para(t("rewards.roi", uplift=uplift, revenue=fig_range("kpis.incremental_revenue", "money"),
                         profit=fig_range("figures.incremental_profit", "money"),
                         cost=fig("kpis.benefit_cost.p50", "money"), roi=fig_range("kpis.roi", "share"))))
    if econ["roi"].p10 < 0 < econ["roi"].p90:
        blocks.append(Callout(t("rewards.roi_uncertain"), "warning"))
    elif econ["roi"].p90 < 0:
        blocks.append(Callout(t("rewards.roi_negative"), "danger"))
    blocks += _gift_blocks(f, c, v, tables)
    if c.lottery.enabled:
        blocks += _lottery_blocks(f, v, tables)
    return v.section("rewards", *blocks)


def _gift_blocks(f: Figures, c, v: Voice, tables: dict) -> list[object]:
    t = v.t
    gifts = f.tables["gifts"]
    if len(gifts):
        prizes = f"{v.prize(c.lottery, 'third')} / {v.prize(c.lottery, 'first')}"
        tables["gifts"] = gifts.assign(kind=[t(f"rewards.gift_{k}") for k in gifts["kind"]],
                                       item=[prizes if k == "lottery" else item
                                             for k, item in zip(gifts["kind"], gifts["item"], strict=True)])
    blocks: list[object] = [Table("gifts", t("rewards.gifts_caption"), labels=(
        ("kind", t("col.gift_kind")), ("item", t("col.item")), ("unit_cost", t("col.unit_cost")),
        ("quantity", t("col.quantity")), ("total", t("col.total")), ("per_member", t("col.per_member"))),
        formats=(("unit_cost", "money"), ("quantity", "count"), ("total", "money"), ("per_member", "money")))]
    if pull_new_over(f, c, v):  # the rule is on the cost per new member (source 004), not on the gift's price
        blocks.append(Callout(t("rewards.pull_new_over", cost=fig("kpis.pull_new_cost_per_member.p50", "money"),
                                cap=v.money(c.pull_new_cap)), "warning"))
    return blocks


def pull_new_over(f: Figures, c, v: Voice) -> dict | None:
    """The plan warning (`pull_new.pull_new_warning`) when the pull-new gifts cost more than
    `community.pull_new_cap` per new member; None within it, or without a pull-new gift."""
    if not any(g.kind == "pull_new" for g in c.gifts):
        return None
    return pull_new_warning(f.kpis["pull_new_cost_per_member"].band.p50, c.pull_new_cap, v.lang, v.currency)


def _lottery_value(v: Voice, row) -> str:
    fmt = v.money if row.kind == "money" else v.count
    if row.value is None:
        return v.t("rewards.never")
    if row.p10 is None:
        return fmt(row.value)
    return f"{fmt(row.value)} ({fmt(row.p10)} – {fmt(row.p90)})"


def _lottery_blocks(f: Figures, v: Voice, tables: dict) -> list[object]:
    t = v.t
    lottery = f.tables["lottery"]
    items = {r.key: r for r in rows(lottery)}
    tables["lottery"] = lottery.assign(item=[t(f"rewards.lottery_{k}") for k in lottery["key"]],
                                       text=[_lottery_value(v, r) for r in items.values()])
    blocks: list[object] = [Para(t("rewards.lottery" if f.data["stores"] else "rewards.lottery_online")),
                            Table("lottery", t("rewards.lottery_caption"),
                                  labels=(("item", t("col.item")), ("text", t("col.value"))))]
    need, low = items["for_drawn"].value, items["upgrades"].p10
    if need is None:
        blocks.append(Callout(t("rewards.lottery_loses"), "danger"))
    elif need > low:
        blocks.append(Callout(t("rewards.lottery_short", need=v.count(need), low=v.count(low)), "warning"))
    return blocks


def forecast(f: Figures, s, v: Voice, tables: dict) -> Section:
    """The community funnel (`tables` gets it with its words), the offline share, CLV and the camp."""
    t = v.t
    blocks: list[object] = [
        KpiGrid(()),
        Table("funnel", t("forecast.funnel_caption"), labels=(
            ("step", t("col.step")), ("p10", v.common("kpi.conservative")),
            ("p50", v.common("kpi.expected_col")), ("p90", v.common("kpi.optimistic"))),
            formats=(("step", f"key:{NS}.funnel"), ("p10", "row_kind"), ("p50", "row_kind"),
                     ("p90", "row_kind"))),  # each row's numbers read as its kind: people or money
    ]
    if f.data["stores"]:  # a merchant without stores is told nothing of store sales
        blocks.append(Para(t("forecast.offline", share=fig_range("kpis.offline_share", "share"))))
    if f.kpis["outside_sales"].band.p90 > 0:  # buyers outside the groups: the event's sales in all
        blocks.append(Para(t("forecast.outside" if f.data["stores"] else "forecast.outside_online",
                             outside=fig_range("kpis.outside_sales", "money"), total=fig_range("kpis.event_sales", "money"),
                             share=fig("kpis.event_offline_share.p50", "share") if f.data["stores"] else "")))
    blocks.append(Code(t("forecast.case"), note=t("forecast.case_note"), consultant=True))
    if f.model.clv is not None:
        bg, gg = f.model.clv.purchases, f.model.clv.spend
        blocks.append(Para(t(
            "forecast.clv", months=fig("figures.clv_months", "days"), purchases=fig("figures.purchases_next"),
            spend=fig("figures.spend_next", "money"), clv=fig("figures.clv", "money"),
            alive=fig("figures.p_alive_mean", "share"))))
        blocks.append(Code(t("forecast.clv_model", r=f"{bg.r:.3g}", alpha=f"{bg.alpha:.3g}", a=f"{bg.a:.3g}",
                             b=f"{bg.b:.3g}", p=f"{gg.p:.3g}", q=f"{gg.q:.3g}", v=f"{gg.v:.3g}"),
                           note=t("forecast.clv_model_note"), consultant=True))
    if s.camp.enabled:
        blocks.append(Para(t("forecast.camp", joined=fig_range("figures.camp_joined"),
                             finishers=fig_range("kpis.camp_finishers"), buyers=fig_range("figures.camp_buyers"),
                             sales=fig_range("kpis.camp_sales", "money"), kept=fig_range("kpis.kept_friends"))))
    return v.section("forecast", *blocks)


def decision(f: Figures, s, v: Voice) -> Section:
    """CLV per level, what each level's benefits may cost, who to win back."""
    t = v.t
    blocks: list[object] = [Para(t("decision.levels")), Table(
        "tiers", t("decision.clv_caption", months=s.clv_months), labels=(
            ("tier", t("col.tier")), ("customers", t("col.customers")),
            ("clv_mean", t("col.clv_mean", months=s.clv_months)), ("clv_total", t("col.clv_total")),
            ("benefit_budget", t("col.benefit_budget")), ("benefit_cost", t("col.benefit_cost")),
            ("flag_text", t("col.flag"))),
        formats=(("customers", "count"), ("clv_mean", "money"), ("clv_total", "money"), ("benefit_budget", "money"),
                 ("benefit_cost", "money")))]
    n = len(f.tables["winback"])
    if n:
        blocks += [Para(t("decision.winback", n=fig("figures.winback_count"), p=fig("figures.winback_p_alive", "share"))),
                   Table("winback", t("decision.winback_caption"), labels=(
                       ("customer_id", t("col.customer")), ("segment", t("col.segment")),
                       ("last_order", t("col.last_order")), ("orders", t("col.orders")), ("spend", t("col.spend")),
                       ("p_alive", t("col.p_alive")), ("value_at_stake", t("col.value_at_stake"))),
                       formats=(("segment", f"key:{NS}.segment"), ("last_order", "date"), ("orders", "count"),
                                ("spend", "money"), ("p_alive", "share"), ("value_at_stake", "money")))]
    else:
        blocks.append(Para(t("decision.no_winback")))
    return v.section("decision", *blocks)


__all__ = ["decision", "forecast", "pull_new_over", "rewards"]
