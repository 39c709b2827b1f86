"""The membership and community plan: its figures and words on the shared spine (`spine.assemble`)."""

from __future__ import annotations

from ..loading import PlaybookParams
<<<<<<< HEAD
from ..plan import Plan
from ..spine import assemble
from . import PLAYBOOK


def build_plan(params: PlaybookParams) -> Plan:
    return assemble(PLAYBOOK, params)
=======
from ..montecarlo import Band
from ..plan import Bullets, Callout, Kpi, KpiGrid, Para, Plan, Rules, Section, Table, new_plan
from .attribution import split_blocks
from .compliance import group_sizes, uses
from .model import MembershipModel, build_model
from .review import add_review
from .rfm import SEGMENT_ORDER

NS = "membership_community"
LEVEL_NAMES = 5  # the template's level names in the catalogue: level_name.1 ... level_name.5


def build_plan(params: PlaybookParams) -> Plan:
    s, m, lang = params.section, params.merchant, params.lang

    def t(key: str, **kw: object) -> str:
        return i18n.t(f"{NS}.{key}", lang, **kw)

    def common(key: str) -> str:
        return i18n.t(f"common.{key}", lang)

    def money(v: Decimal | float) -> str:
        return i18n.money(v, m.currency, lang)

    def count(v: float) -> str:
        return i18n.number(round(v)) if math.isfinite(v) else "—"

    def rng(b: Band, fmt) -> str:
        return f"{fmt(b.p50)} ({fmt(b.p10)} – {fmt(b.p90)})"

    names = [t(f"level_name.{i}") for i in range(1, LEVEL_NAMES + 1)]
    model = build_model(s, m, params.data_path(s.orders_file), names, s.orders_file)
    plan = new_plan(params, t("title"), s.plan_start, s.end_date, s.seed, s.simulations)
    plan.model = model
    hist, cust, c = model.history, model.customers, s.community
    revenue = hist.revenue
    repeat_share = float((cust["orders"] > 1).mean())

    # -- KPIs
    kinds = {"members": "count", "groups": "count", "active": "count", "store_visits": "count",
             "buyers": "count", "sales": "money", "offline_share": "share", "gift_cost": "money"}
    for key, kind in kinds.items():
        plan.kpis[key] = Kpi(key, t(f"kpi.{key}"), model.band(key), kind)
    econ = model.economics
    plan.kpis["incremental_revenue"] = Kpi("incremental_revenue", t("kpi.incremental_revenue"),
                                           econ["incremental_revenue"], "money")
    plan.kpis["benefit_cost"] = Kpi("benefit_cost", t("kpi.benefit_cost"), econ["benefit_cost"], "money")
    plan.kpis["roi"] = Kpi("roi", t("kpi.roi"), econ["roi"], "share")
    plan.kpis["clv_total"] = Kpi("clv_total", t("kpi.clv_total", months=s.clv_months), econ["clv_total"], "money")
    if s.camp.enabled:
        plan.kpis["camp_finishers"] = Kpi("camp_finishers", t("kpi.camp_finishers"), model.band("camp_finishers"),
                                          "count")
    plan.headline = ("sales", "members", "incremental_revenue", "roi", "clv_total")

    def sec(key: str, *blocks: object) -> None:
        plan.sections[key] = Section(key, common(f"section.{key}"), list(blocks))

    # -- stage and goal
    sales, members = model.band("sales"), model.band("members")
    sec("goal",
        Para(t("goal.text", customers=count(len(cust)), revenue=money(revenue), levels=len(model.levels),
               members=count(members.p50), groups=count(model.band("groups").p50), sales=money(sales.p50),
               days=c.event_days, uplift=money(econ["incremental_revenue"].p50))),
        Para(t("goal.why")),
        KpiGrid(plan.headline))

    # -- audience: the history and its RFM segments
    seg = model.segments.copy()
    seg["segment_key"] = seg["segment"]
    seg["segment"] = [t(f"segment.{k}") for k in seg["segment_key"]]
    seg["action"] = [t(f"segment_action.{k}") for k in seg["segment_key"]]
    seg = seg.sort_values("segment_key", key=lambda k: k.map(SEGMENT_ORDER.index)).reset_index(drop=True)
    plan.tables["segments"] = seg
    blocks: list[object] = [
        Para(t("audience.history", orders=count(len(hist.orders)), customers=count(len(cust)),
               first=i18n.day(hist.first_date.date(), lang), last=i18n.day(hist.last_date.date(), lang),
               revenue=money(revenue), repeat=i18n.percent(repeat_share, 0),
               analysis=i18n.day(model.analysis_date, lang))),
    ]
    for reason, n in hist.excluded.items():
        blocks.append(Callout(t(f"audience.excluded_{reason}", n=count(n),
                                date=i18n.day(model.analysis_date, lang)), "warning"))
    for note, n in hist.notes.items():
        blocks.append(Callout(t(f"audience.note_{note}", n=count(n))))
    for name, split, block in split_blocks(hist.orders, t):  # stores and guides, when the history names them
        plan.tables[name] = split
        blocks.append(block)
    blocks += [
        Para(t("audience.rfm")),
        Table("segments", t("audience.segments_caption"), labels=(
            ("segment", t("col.segment")), ("customers", t("col.customers")),
            ("customer_share", t("col.customer_share")), ("revenue_share", t("col.revenue_share")),
            ("recency_days", t("col.recency_days")), ("orders", t("col.orders_mean")),
            ("spend", t("col.spend_mean")), ("clv", t("col.clv_mean", months=s.clv_months)),
            ("action", t("col.action"))),
            formats=(("customers", "count"), ("customer_share", "share"), ("revenue_share", "share"),
                     ("recency_days", "count"), ("orders", "number"), ("spend", "money"), ("clv", "money"))),
    ]
    sec("audience", *blocks)

    # -- mechanics: levels, the member rules, upgrade nudges, group rules
    tiers_df = model.tiers.copy()
    tiers_df["price"] = [t("mechanics.price_full") if r >= 1 else t("mechanics.price_off", off=i18n.percent(1 - r, 0))
                         for r in tiers_df["price_rate"]]
    tiers_df["perks"] = [lv.perks or (t("mechanics.perks_worth", cost=money(lv.perks_cost)) if lv.perks_cost else "—")
                         for lv in model.levels]
    plan.tables["tiers"] = tiers_df
    origin = "params" if s.tiers else s.tier_source
    nudges = []
    for row in _rows(tiers_df):
        if row.near_next:
            nudges.append(t("mechanics.nudge", n=count(row.near_next), tier=row.tier, next=row.next_tier,
                            gap=money(row.near_next_gap)))
    rules = [t("mechanics.rule_points", window=s.tier_window_days)]
    for lv in model.levels:
        price = t("mechanics.price_full") if lv.price_rate >= 1 else t("mechanics.price_off",
                                                                        off=i18n.percent(1 - lv.price_rate, 0))
        perks = f"; {lv.perks}" if lv.perks else ""
        rules.append(t("mechanics.rule_level", tier=lv.name, spend=money(lv.min_spend), price=price) + perks)
    rules += [t("mechanics.rule_upgrade"), t("mechanics.rule_keep", window=s.tier_window_days)]
    group_rules = [t("mechanics.group_rule_ads"), t("mechanics.group_rule_topics"),
                   t("mechanics.group_rule_benefits")]
    if c.lottery.enabled:
        lot = c.lottery
        group_rules.append(t("mechanics.group_rule_lottery", third=_prize(lot, "third", t), first=_prize(lot, "first", t),
                             top_up=money(lot.upgrade_price)))
    sec("mechanics",
        Para(t(f"mechanics.levels_{origin}", n=len(model.levels), window=s.tier_window_days)),
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

    # -- rewards: benefits against what customers are worth; gifts; lottery; ROI
    reward_blocks: list[object] = [
        Para(t("rewards.benefits", share=i18n.percent(s.benefit_budget_share, 0),
               margin=i18n.percent(s.gross_margin, 0), months=s.clv_months)),
    ]
    tiers_df["flag_text"] = [t(f"rewards.flag_{f}") for f in tiers_df["flag"]]
    reward_blocks.append(Table("tiers", t("rewards.tiers_caption"), labels=(
        ("tier", t("col.tier")), ("customers", t("col.customers")), ("clv_mean", t("col.clv_mean", months=s.clv_months)),
        ("spend_next", t("col.spend_next", months=s.clv_months)), ("benefit_cost", t("col.benefit_cost")),
        ("benefit_cost_per_member", t("col.benefit_cost_per_member")), ("benefit_budget", t("col.benefit_budget")),
        ("worth", t("col.worth")), ("flag_text", t("col.flag"))),
        formats=(("customers", "count"), ("clv_mean", "money"), ("spend_next", "money"), ("benefit_cost", "money"),
                 ("benefit_cost_per_member", "money"), ("benefit_budget", "money"), ("worth", "money"))))
    for row in _rows(tiers_df):
        if row.flag == "over_worth":
            reward_blocks.append(Callout(t("rewards.over_worth", tier=row.tier, cost=money(row.benefit_cost),
                                           worth=money(row.worth)), "danger"))
        elif row.flag == "over_budget":
            reward_blocks.append(Callout(t("rewards.over_budget", tier=row.tier, cost=money(row.benefit_cost),
                                           budget=money(row.benefit_budget)), "warning"))
    if model.clv is None:
        reward_blocks.append(Callout(t("rewards.no_clv", why=model.clv_problem), "warning"))
    reward_blocks.append(Para(t("rewards.roi", uplift=f"{i18n.percent(s.repeat_uplift.low, 0)}–"
                                                       f"{i18n.percent(s.repeat_uplift.high, 0)}",
                                revenue=rng(econ["incremental_revenue"], money),
                                profit=rng(econ["incremental_profit"], money),
                                cost=money(econ["benefit_cost"].p50), roi=rng(econ["roi"], i18n.percent))))
    if econ["roi"].p10 < 0 < econ["roi"].p90:
        reward_blocks.append(Callout(t("rewards.roi_uncertain"), "warning"))
    elif econ["roi"].p90 < 0:
        reward_blocks.append(Callout(t("rewards.roi_negative"), "danger"))

    d = model.community.draws
    gift_rows = []
    per_member = max(float(np.median(d["members"])), 1.0)
    for g in c.gifts:
        qty = float(np.median(d["members"] if g.kind == "pull_new" else d["referred"]))
        gift_rows.append({"kind": t(f"rewards.gift_{g.kind}"), "item": g.item, "unit_cost": g.unit_cost,
                          "quantity": qty, "total": qty * float(g.unit_cost),
                          "per_member": qty * float(g.unit_cost) / per_member})
    if c.lottery.enabled:
        lot = c.lottery
        net = float(np.median(d["lottery_net_cost"]))
        gift_rows.append({"kind": t("rewards.gift_lottery"), "item": f"{_prize(lot, 'third', t)} / {_prize(lot, 'first', t)}",
                          "unit_cost": lot.third_prize_cost, "quantity": float(np.median(d["active"])),
                          "total": net, "per_member": net / per_member})
    plan.tables["gifts"] = pd.DataFrame(gift_rows)
    reward_blocks.append(Table("gifts", t("rewards.gifts_caption"), labels=(
        ("kind", t("col.gift_kind")), ("item", t("col.item")), ("unit_cost", t("col.unit_cost")),
        ("quantity", t("col.quantity")), ("total", t("col.total")), ("per_member", t("col.per_member"))),
        formats=(("unit_cost", "money"), ("quantity", "count"), ("total", "money"), ("per_member", "money"))))
    for g in c.gifts:
        if g.kind == "pull_new" and g.unit_cost > c.pull_new_cap:
            reward_blocks.append(Callout(t("rewards.pull_new_over", item=g.item, cost=money(g.unit_cost),
                                           cap=money(c.pull_new_cap)), "warning"))
    if c.lottery.enabled:
        reward_blocks += _lottery_blocks(plan, model, t, money, count)
    sec("rewards", *reward_blocks)

    # -- channels and warm-up
    plan.tables["channels"] = pd.DataFrame(_channel_rows(s, t))
    sec("channels",
        Para(t("channels.intro", warmup=c.warmup_days, days=c.event_days)),
        Bullets((t("channels.key_benefits"), t("channels.key_scripts"), t("channels.key_attribution"),
                 t("channels.key_tools"))),
        Table("channels", labels=(("date", common("table.date")), ("channel", common("table.channel")),
                                  ("message", common("table.message"))), formats=(("date", "date"),)))

    # -- timeline, day by day
    rows, timeline = _timeline(s, model, t, lang)
    plan.timeline = timeline
    plan.tables["timeline"] = pd.DataFrame(rows)
    tl_blocks: list[object] = []
    if s.camp.enabled:
        join, engage, convert = (sum(1 for d_ in model.camp if d_.phase == p) for p in ("join", "engage", "convert"))
        tl_blocks.append(Para(t("timeline.camp", days=s.camp.days, theme=s.camp.theme or t("timeline.camp_theme"),
                                start=i18n.day(s.camp_start, lang), join=join, engage=engage, convert=convert)))
    tl_blocks.append(Table("timeline", labels=(
        ("date", common("table.date")), ("weekday", common("table.weekday")), ("stage", t("col.stage")),
        ("camp_day", t("col.camp_day")), ("phase", common("table.phase")), ("content", t("col.content")),
        ("action", common("table.action"))), formats=(("date", "date"), ("camp_day", "count"))))
    sec("timeline", *tl_blocks)

    # -- forecast
    funnel_rows = []
    for key in ("invited", "members", "groups", "active", "store_visits", "store_buyers", "online_buyers",
                "store_sales", "online_sales", "sales"):
        b = model.band(key)
        kind = "money" if key.endswith("sales") else "count"
        row = {"step": key, "label": t(f"funnel.{key}"), "p10": b.p10, "p50": b.p50, "p90": b.p90, "kind": kind}
        for q in ("p10", "p50", "p90"):  # one column mixes people and money: shown as text, kept as numbers
            row[f"{q}_text"] = money(row[q]) if kind == "money" else count(row[q])
        funnel_rows.append(row)
    funnel = pd.DataFrame(funnel_rows)
    plan.tables["funnel"] = funnel
    forecast_blocks: list[object] = [
        KpiGrid(()),
        Table("funnel", t("forecast.funnel_caption"), labels=(
            ("label", t("col.step")), ("p10_text", common("kpi.conservative")),
            ("p50_text", common("kpi.expected_col")), ("p90_text", common("kpi.optimistic")))),
        Para(t("forecast.offline", share=rng(model.band("offline_share"), i18n.percent))),
        Para(t("forecast.case")),
    ]
    if model.clv is not None:
        bg, gg = model.clv.purchases, model.clv.spend
        forecast_blocks.append(Para(t(
            "forecast.clv", months=s.clv_months, purchases=i18n.number(float(cust["purchases_next"].sum())),
            spend=money(float(cust["spend_next"].sum())), clv=money(float(cust["clv"].sum())),
            alive=i18n.percent(float(cust["p_alive"].mean()), 0), r=f"{bg.r:.3g}", alpha=f"{bg.alpha:.3g}",
            a=f"{bg.a:.3g}", b=f"{bg.b:.3g}", p=f"{gg.p:.3g}", q=f"{gg.q:.3g}", v=f"{gg.v:.3g}")))
    if s.camp.enabled:
        forecast_blocks.append(Para(t("forecast.camp", joined=rng(model.band("camp_joined"), count),
                                      finishers=rng(model.band("camp_finishers"), count),
                                      buyers=rng(model.band("camp_buyers"), count))))
    sec("forecast", *forecast_blocks)

    # -- the decision: CLV per level, what each level's benefits may cost, who to win back
    wb = model.winback.copy()
    wb["segment"] = [t(f"segment.{k}") for k in wb["segment"]]
    plan.tables["winback"] = wb
    decision_blocks: list[object] = [Para(t("decision.levels"))]
    decision_blocks.append(Table("tiers", t("decision.clv_caption", months=s.clv_months), labels=(
        ("tier", t("col.tier")), ("customers", t("col.customers")), ("clv_mean", t("col.clv_mean", months=s.clv_months)),
        ("clv_total", t("col.clv_total")), ("benefit_budget", t("col.benefit_budget")),
        ("benefit_cost", t("col.benefit_cost")), ("flag_text", t("col.flag"))),
        formats=(("customers", "count"), ("clv_mean", "money"), ("clv_total", "money"), ("benefit_budget", "money"),
                 ("benefit_cost", "money"))))
    if len(wb):
        decision_blocks += [Para(t("decision.winback", n=len(wb), p=i18n.percent(s.winback_p_alive, 0))),
                            Table("winback", t("decision.winback_caption"), labels=(
                                ("customer_id", t("col.customer")), ("segment", t("col.segment")),
                                ("last_order", t("col.last_order")), ("orders", t("col.orders")),
                                ("spend", t("col.spend")), ("p_alive", t("col.p_alive")),
                                ("value_at_stake", t("col.value_at_stake"))),
                                formats=(("last_order", "date"), ("orders", "count"), ("spend", "money"),
                                         ("p_alive", "share"), ("value_at_stake", "money")))]
    else:
        decision_blocks.append(Para(t("decision.no_winback")))
    sec("decision", *decision_blocks)

    # -- KPIs to track
    track = [("members", "track_members"), ("active", "track_active"), ("store_visits", "track_visits"),
             ("buyers", "track_buyers"), ("sales", "track_sales"), ("offline_share", "track_offline"),
             ("gift_cost", "track_gifts"), ("incremental_revenue", "track_repeat")]
    plan.tables["kpis"] = pd.DataFrame(
        [{"kpi": plan.kpis[k].label, "target": _fmt(plan.kpis[k], plan.kpis[k].band.p50, money, count),
          "warn": _fmt(plan.kpis[k], plan.kpis[k].band.p10, money, count), "how": t(f"kpis.{how}")}
         for k, how in track])
    sec("kpis", Table("kpis", labels=(("kpi", common("kpi.name")), ("target", t("kpis.target")),
                                      ("warn", t("kpis.warn")), ("how", common("kpi.how")))))

    # -- risks and backup plan
    risk_keys = ["cost_creep", "fatigue", "low_activity", "group_limits", "lottery_rules", "thin_history"]
    plan.tables["risks"] = pd.DataFrame(
        [{"risk": t(f"risks.{k}"), "trigger": t(f"risks.{k}_sign"), "backup": t(f"risks.{k}_backup")}
         for k in risk_keys])
    sec("risks", Table("risks", labels=(("risk", common("table.risk")), ("trigger", common("table.trigger")),
                                        ("backup", common("table.backup")))))

    plan.data = _data(s, model, revenue)
    compliance_section(plan, uses(s), group_sizes(s))
    # -- review after the campaign: plan vs actual, ranges for the next plan (only with actuals:)
    add_review(plan, params)
    return plan


def _rows(df: pd.DataFrame) -> list[tuple]:
    """The rows as named tuples of Python values: what `itertuples(index=False)` gives, without its
    cell-by-cell lookups (they add up in the live panel)."""
    row = _row_type(tuple(df.columns))
    return [row._make(values) for values in df.to_numpy(dtype=object).tolist()]


def _records(df: pd.DataFrame) -> list[dict]:
    """`df.to_dict(orient="records")`, the same way."""
    columns = list(df.columns)
    return [dict(zip(columns, values, strict=True)) for values in df.to_numpy(dtype=object).tolist()]


@lru_cache(maxsize=32)
def _row_type(columns: tuple[str, ...]) -> type:
    return namedtuple("Row", columns)


def _fmt(k: Kpi, v: float, money, count) -> str:
    if k.kind == "money":
        return money(v)
    if k.kind == "share":
        return i18n.percent(v, 0)
    return count(v)


def _lottery_blocks(plan: Plan, model: MembershipModel, t, money, count) -> list[object]:
    lot = model.lottery
    d = model.community.draws
    upgrades = Band.of(d["lottery_upgrades"])
    net = Band.of(d["lottery_net_cost"])
    never = t("rewards.never")
    rows = [
        {"item": t("rewards.lottery_margin"), "value": money(lot.margin_per_upgrade)},
        {"item": t("rewards.lottery_drawn"), "value": money(lot.drawn_cost)},
        {"item": t("rewards.lottery_for_drawn"),
         "value": never if lot.upgrades_for_drawn is None else count(lot.upgrades_for_drawn)},
        {"item": t("rewards.lottery_for_all"),
         "value": never if lot.upgrades_for_all is None else count(lot.upgrades_for_all)},
        {"item": t("rewards.lottery_upgrades"), "value": f"{count(upgrades.p50)} ({count(upgrades.p10)} – "
                                                          f"{count(upgrades.p90)})"},
        {"item": t("rewards.lottery_net"), "value": f"{money(net.p50)} ({money(net.p10)} – {money(net.p90)})"},
    ]
    plan.tables["lottery"] = pd.DataFrame(rows)
    blocks: list[object] = [Para(t("rewards.lottery")),
                            Table("lottery", t("rewards.lottery_caption"),
                                  labels=(("item", t("col.item")), ("value", t("col.value"))))]
    if lot.upgrades_for_drawn is None:
        blocks.append(Callout(t("rewards.lottery_loses"), "danger"))
    elif lot.upgrades_for_drawn > upgrades.p10:
        blocks.append(Callout(t("rewards.lottery_short", need=count(lot.upgrades_for_drawn),
                                low=count(upgrades.p10)), "warning"))
    return blocks


def _channel_rows(s, t) -> list[dict]:
    c = s.community
    rows = []
    if c.warmup_days:
        w = s.warmup_start
        rows += [(w, "wecom", "open_groups"), (w, "store", "store_codes"),
                 (w + timedelta(days=min(2, c.warmup_days - 1)), "groups", "teaser"),
                 (s.start_date - timedelta(days=1), "groups", "preview")]
    rows += [(s.start_date, "groups", "launch"), (s.start_date, "store", "launch_store")]
    if c.lottery.enabled:
        rows.append((s.start_date, "groups", "lottery"))
    if c.event_days >= 4:
        rows.append((s.start_date + timedelta(days=c.event_days // 2), "groups", "reminder"))
    if c.event_days >= 2:
        rows.append((s.event_end, "all", "last_call"))
    rows.append((s.event_end + timedelta(days=1), "groups", "settle"))
    rows.sort(key=lambda r: r[0])
    return [{"date": d, "channel": t(f"channels.{ch}"), "message": t(f"channels.{msg}")} for d, ch, msg in rows]


def _timeline(s, model: MembershipModel, t, lang: str) -> tuple[list[dict], list[dict]]:
    camp = {d.date: d for d in model.camp}
    rows, timeline = [], []
    day = s.plan_start
    while day <= s.end_date:
        if s.warmup_start <= day < s.start_date:
            stage = "warmup"
        elif s.start_date <= day <= s.event_end:
            stage = "sale"
        elif day < s.warmup_start:
            stage = "before"
        else:
            stage = "after"
        action = _action(s, day, stage)
        cd = camp.get(day)
        row = {"date": day, "weekday": i18n.weekday(day, lang), "stage": t(f"timeline.stage_{stage}"),
               "camp_day": cd.day if cd else None, "phase": t(f"timeline.phase_{cd.phase}") if cd else "",
               "content": t(f"content.{cd.content}") if cd else "", "action": t(f"timeline.{action}") if action else ""}
        rows.append(row)
        entry = {"date": day.isoformat(), "stage": stage, "action": row["action"]}
        if cd:
            entry.update(camp_day=cd.day, camp_phase=cd.phase, content_type=cd.content, content=row["content"])
        timeline.append(entry)
        day += timedelta(days=1)
    return rows, timeline


def _action(s, day: date, stage: str) -> str:
    if stage == "warmup":
        return "open_groups" if day == s.warmup_start else ("preview" if day == s.start_date - timedelta(days=1)
                                                            else "warmup")
    if stage == "sale":
        if day == s.start_date:
            return "launch"
        if day == s.event_end:
            return "last_call"
        return "sale"
    if stage == "after" and day == s.event_end + timedelta(days=1):
        return "settle"
    return ""


def _data(s, model: MembershipModel, revenue: Decimal) -> dict:
    hist = model.history
    tiers = [
        {"level": r.level, "tier": r.tier, "min_spend": r.min_spend, "price_rate": r.price_rate,
         "customers": r.customers, "customer_share": r.customer_share, "revenue": r.revenue,
         "revenue_share": r.revenue_share, "near_next": r.near_next, "next_tier": r.next_tier,
         "clv_mean": r.clv_mean, "clv_total": r.clv_total, "spend_next": r.spend_next,
         "benefit_cost": r.benefit_cost, "benefit_budget": r.benefit_budget, "worth": r.worth, "flag": r.flag}
        for r in _rows(model.tiers)
    ]
    lot = model.lottery
    return {
        "orders_file": s.orders_file,
        "analysis_date": model.analysis_date,
        "orders": len(hist.orders),
        "rows_read": hist.rows_read,
        "orders_excluded": dict(hist.excluded),
        "data_notes": dict(hist.notes),
        "customers": len(model.customers),
        "revenue": revenue,
        "repeat_customers": int((model.customers["orders"] > 1).sum()),
        "segments": {r.segment: {"customers": int(r.customers), "revenue": float(r.revenue)}
                     for r in _rows(model.segments)},
        "tiers": tiers,
        "clv_per_tier": {r.tier: {"clv_mean": r.clv_mean, "clv_total": r.clv_total} for r in _rows(model.tiers)},
        "clv_model": None if model.clv is None else {
            "bgnbd": model.clv.purchases.to_dict(), "gamma_gamma": model.clv.spend.to_dict(),
            "horizon_months": s.clv_months, "annual_discount": s.annual_discount},
        "clv_problem": model.clv_problem,
        "invite_pool": model.invite_pool,
        "group_size": s.community.group_size,
        "lottery": {"margin_per_upgrade": lot.margin_per_upgrade, "drawn_cost": lot.drawn_cost,
                    "upgrades_for_drawn": lot.upgrades_for_drawn, "upgrades_for_all": lot.upgrades_for_all},
        "camp_days": s.camp.days if s.camp.enabled else 0,
        "winback": _records(model.winback),
    }
>>>>>>> exports


__all__ = ["build_plan"]
