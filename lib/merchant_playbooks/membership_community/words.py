"""The membership and community plan in the merchant's language: every section's words from the figures.

`plan_words(figures, params)` reads `figures.plan_figures`'s numbers, dates and keys and the
catalogue `messages/<lang>/membership_community.yaml`; it formats, it never works out a figure.
Tables keep their machine values; where a column's words are made from several values of a row
(a level's "5% off", a funnel step counted in people or in money), the view adds a text column to
a copy of the table (`Words.tables`). Rewards, the forecast and the decision are in `words_value.py`.
"""

from __future__ import annotations

import pandas as pd

from .. import i18n
from ..figref import fig
from ..figures import Figures, Words
from ..loading import PlaybookParams
from ..plan import Bullets, Callout, KpiGrid, Para, Rules, Section, Table
from ..rules import alternatives
from .attribution import SPLITS
from .compliance import uses
from .rows import Memo, fresh
from .voice import NS, Voice, level_names
from .words_value import decision, forecast, pull_new_over, rewards

_TIMELINES = Memo(8, fresh)  # the timeline in words, by language and the figures' timeline (most levers keep it)


def plan_words(figures: Figures, params: PlaybookParams) -> Words:
    s = params.section
    v = Voice(params.lang, params.merchant.currency)
    labels = {key: v.t(f"kpi.{key}") for key in figures.kpis}
    labels["clv_total"] = v.t("kpi.clv_total", months=s.clv_months)
    tables = {"tiers": _tiers_table(figures, v)}
    parts = [_goal(figures, s, v), _audience(figures, s, v), _mechanics(figures, s, v),
             rewards(figures, s, v, tables), _channels(figures, s, v), _timeline(figures, s, v, tables),
             forecast(figures, s, v, tables), decision(figures, s, v), _kpis(figures, v, labels, tables), _risks(v)]
    over = pull_new_over(figures, s.community, v)  # the cover and plan.json carry the pull-new rule's breach
    return Words(title=v.t("title"), kpi_labels=labels, sections={p.key: p for p in parts}, tables=tables,
                 warnings=[over] if over else [])


def _goal(f: Figures, s, v: Voice) -> Section:
    return v.section(
        "goal",
        Para(v.t("goal.text", customers=fig("customers"), revenue=fig("revenue", "money"),
                 levels=fig("figures.levels"), members=fig("kpis.members.p50"), groups=fig("kpis.groups.p50"),
                 sales=fig("kpis.sales.p50", "money"), days=fig("figures.event_days", "days"),
                 uplift=fig("kpis.incremental_revenue.p50", "money"))),
        Para(v.t("goal.why")),
        KpiGrid(f.headline))


def _audience(f: Figures, s, v: Voice) -> Section:
    hist, d, lang = f.model.history, f.data, v.lang
    analysis = i18n.day(d["analysis_date"], lang)
    blocks: list[object] = [
        Para(v.t("audience.history", orders=fig("orders"), customers=fig("customers"),
                 first=i18n.day(hist.first_date.date(), lang), last=i18n.day(hist.last_date.date(), lang),
                 revenue=fig("revenue", "money"), repeat=fig("figures.repeat_share", "share"),
                 analysis=fig("analysis_date", "date"))),
    ]
    for reason, n in d["orders_excluded"].items():
        blocks.append(Callout(v.t(f"audience.excluded_{reason}", n=v.count(n), date=analysis), "warning"))
    for note, n in d["data_notes"].items():
        blocks.append(Callout(v.t(f"audience.note_{note}", n=v.count(n))))
    t = v.t
    for column, name in SPLITS:  # stores and guides, when the history names them (figures made the tables)
        if name in f.tables:
            blocks.append(Table(name, t(f"audience.{name}_caption"), labels=(
                (column, t(f"col.{column}")), ("customers", t("col.customers")), ("orders", t("col.orders_count")),
                ("revenue", t("col.sales")), ("revenue_share", t("col.revenue_share"))),
                formats=(("customers", "count"), ("orders", "count"), ("revenue", "money"),
                         ("revenue_share", "share"))))
    blocks += [
        Para(t("audience.rfm")),
        Table("segments", t("audience.segments_caption"), labels=(
            ("segment", t("col.segment")), ("customers", t("col.customers")),
            ("customer_share", t("col.customer_share")), ("revenue_share", t("col.revenue_share")),
            ("recency_days", t("col.recency_days")), ("orders", t("col.orders_mean")),
            ("spend", t("col.spend_mean")), ("clv", t("col.clv_mean", months=s.clv_months)),
            ("action", t("col.action"))),
            formats=(("segment", f"key:{NS}.segment"), ("customers", "count"), ("customer_share", "share"),
                     ("revenue_share", "share"), ("recency_days", "count"), ("orders", "number"),
                     ("spend", "money"), ("clv", "money"), ("action", f"key:{NS}.segment_action"))),
    ]
    return v.section("audience", *blocks)


def _price(v: Voice, discount: float) -> str:
    return v.t("mechanics.price_off", off=i18n.percent(discount, 0)) if discount > 0 else v.t("mechanics.price_full")


def _tiers_table(f: Figures, v: Voice) -> pd.DataFrame:
    """The levels with the words of their price, perks and verdict beside the numbers."""
    tiers = f.tables["tiers"]
    perks = [lv.perks or (v.t("mechanics.perks_worth", cost=v.money(lv.perks_cost)) if lv.perks_cost else "—")
             for lv in f.model.levels]
    return tiers.assign(price=[_price(v, d) for d in tiers["discount"].tolist()], perks=perks,
                        flag_text=[v.t(f"rewards.flag_{flag}") for flag in tiers["flag"].tolist()])


def _gift_names(s) -> dict[str, str]:
    referral = next((g.item for g in s.community.gifts if g.kind == "referral"), "")
    return {"referral": referral}


def _mechanics(f: Figures, s, v: Voice) -> Section:
    t, c, tiers = v.t, s.community, f.tables["tiers"]
    row = "tables.tiers.{}.{}".format
    nudges = [t("mechanics.nudge", n=fig(row(i, "near_next")), tier=tier, next=nxt,
                gap=fig(row(i, "near_next_gap"), "money"))
              for i, (tier, nxt, n) in enumerate(zip(tiers["tier"], tiers["next_tier"], tiers["near_next"].tolist(),
                                                     strict=True)) if n]
    rules = [t("mechanics.rule_points", window=s.tier_window_days)]
    for i, (lv, discount) in enumerate(zip(f.model.levels, tiers["discount"].tolist(), strict=True)):
        perks = f"; {lv.perks}" if lv.perks else ""
        price = (t("mechanics.price_off", off=fig(row(i, "discount"), "share")) if discount > 0
                 else t("mechanics.price_full"))
        rules.append(t("mechanics.rule_level", tier=lv.name, spend=fig(row(i, "min_spend"), "money_exact"), price=price)
                     + perks)
    rules += [t("mechanics.rule_upgrade"), t("mechanics.rule_keep", window=s.tier_window_days)]
    group_rules = [t("mechanics.group_rule_ads"), t("mechanics.group_rule_topics"), t("mechanics.group_rule_benefits")]
    if c.lottery.enabled:
        group_rules.append(t("mechanics.group_rule_lottery" + ("" if f.data["stores"] else "_online"), third=v.prize(c.lottery, "third"),
                             first=v.prize(c.lottery, "first"), top_up=v.money(c.lottery.upgrade_price)))
    # the compliant form of each use the rules table restricts, published with the group rules
    group_rules += [t(f"mechanics.rule_alt_{key}", **_gift_names(s)) for key in alternatives(uses(s, f))
                    if i18n.has(f"{NS}.mechanics.rule_alt_{key}", v.lang)]
    origin = "params" if s.tiers else s.tier_source
    return v.section(
        "mechanics",
        Para(t(f"mechanics.levels_{origin}", n=len(f.model.levels), window=s.tier_window_days)),
        Table("tiers", t("mechanics.tiers_caption"), labels=(
            ("tier", t("col.tier")), ("min_spend", t("col.min_spend")), ("price", t("col.price")),
            ("perks", t("col.perks")), ("customers", t("col.customers")),
            ("customer_share", t("col.customer_share")), ("revenue_share", t("col.revenue_share")),
            ("near_next", t("col.near_next")), ("next_tier", t("col.next_tier"))),
            formats=(("min_spend", "money"), ("customers", "count"), ("customer_share", "share"),
                     ("revenue_share", "share"), ("near_next", "count"))),
        Bullets(tuple(nudges) or (t("mechanics.no_nudge"),)),
        Rules(t("mechanics.rules_title"), tuple(rules)),
        Rules(t("mechanics.group_rules_title"), tuple(group_rules)))


def _channels(f: Figures, s, v: Voice) -> Section:
    t = v.t
    return v.section(
        "channels",
        Para(t("channels.intro" if f.data["stores"] else "channels.intro_online",
               warmup=fig("figures.warmup_days", "days"), days=fig("figures.event_days", "days"))),
        Bullets((t("channels.key_benefits"), t("channels.key_scripts"), t("channels.key_attribution"),
                 t("channels.key_tools"))),
        Table("channels", labels=(("date", v.common("table.date")), ("channel", v.common("table.channel")),
                                  ("message", v.common("table.message"))),
              formats=(("date", "date"), ("channel", f"key:{NS}.channels"), ("message", f"key:{NS}.channels"))))


def _timeline(f: Figures, s, v: Voice, tables: dict) -> Section:
    t, lang = v.t, v.lang
    key = (lang, tuple(tuple(e.items()) for e in f.timeline))
    tables["timeline"] = _TIMELINES.get(key, lambda: _timeline_table(f.tables["timeline"], v))
    blocks: list[object] = []
    if s.camp.enabled:
        days = f.data["figures"]["camp_phase_days"]
        blocks.append(Para(t("timeline.camp", days=s.camp.days, theme=s.camp.theme or t("timeline.camp_theme"),
                             start=i18n.day(s.camp_start, lang), **days)))
    blocks.append(Table("timeline", labels=(
        ("date", v.common("table.date")), ("weekday", v.common("table.weekday")), ("stage", t("col.stage")),
        ("camp_day", t("col.camp_day")), ("phase", v.common("table.phase")), ("content", t("col.content")),
        ("action", v.common("table.action"))), formats=(("date", "date"), ("camp_day", "count"))))
    return v.section("timeline", *blocks)


def _timeline_table(rows: pd.DataFrame, v: Voice) -> pd.DataFrame:
    """The timeline's keys in words, built in one go."""
    t, dates = v.t, rows["date"].tolist()
    return pd.DataFrame({
        "date": dates, "weekday": [i18n.weekday(d, v.lang) for d in dates],
        "stage": [t(f"timeline.stage_{k}") for k in rows["stage"].tolist()], "camp_day": rows["camp_day"].to_numpy(),
        "phase": [t(f"timeline.phase_{k}") if k else "" for k in rows["phase"].tolist()],
        "content": [t(f"content.{k}") if k else "" for k in rows["content"].tolist()],
        "action": [t(f"timeline.{k}") if k else "" for k in rows["action"].tolist()]})


def _kpis(f: Figures, v: Voice, labels: dict[str, str], tables: dict) -> Section:
    track = f.tables["kpis"]
    tables["kpis"] = track.assign(kpi=[labels[k] for k in track["key"]])  # the numbers stay the figures'
    return v.section("kpis", Table("kpis", labels=(
        ("kpi", v.common("kpi.name")), ("target_value", v.t("kpis.target")), ("warn_value", v.t("kpis.warn")),
        ("how", v.common("kpi.how"))), formats=(("target_value", "row_kind"), ("warn_value", "row_kind"),
                                                ("how", f"key:{NS}.kpis"))))


def _risks(v: Voice) -> Section:
    risk = f"key:{NS}.risks"
    return v.section("risks", Table("risks", labels=(
        ("risk", v.common("table.risk")), ("trigger", v.common("table.trigger")), ("backup", v.common("table.backup"))),
        formats=(("risk", risk), ("trigger", risk), ("backup", risk))))


__all__ = ["level_names", "plan_words"]
