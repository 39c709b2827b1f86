"""What the year's cadence uses, for the platform-rule check: (mechanic, channel) pairs from its params.

Only activities and schemes that a platform rule covers become mechanics: a hot-product
bargain is bargaining, a group buy is a group buy, and coupons (the coupon scheme, the
live stream's live-only coupon) are coupons. Spend-and-save, flash sales, early-bird
ladders, bundles, gifts with purchase, member prices, member days, tastings and new
arrivals are price or product rules that ask nobody to share, follow or collect, so the
rules table has nothing to say about them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import calendar as cal
from .schema import Section

WEEKLY_MECHANIC = {"hot_bargain": "bargaining", "group_buy": "group_buy", "live_stream": "coupon"}
SCHEME_MECHANIC = {"coupon": "coupon", "group_buy": "group_buy"}

# Weekly fixtures run in the mini program (the bargain's friends help "inside the mini program")
# and are announced in the groups (messages: rapid_growth_cadence.weekly.*).
WEEKLY_CHANNELS = ("mini_program", "wechat_group")
# Event sales run in the mini program; the warm-up teaser goes to the groups and the mini program's
# own share cards, the notice to existing customers to the official account (words_year.py
# `channels`: channels.intro, channels.channels_discount). No H5 link or Moments post: the rules
# table's alternative for coupons and group buys there (in_app_cards, coupon_not_for_sharing) is the
# mini program's own cards. Text messages to past buyers are not a WeChat channel.
EVENT_CHANNELS = ("mini_program", "wechat_group", "official_account")


def event_schemes(section: Section, events: Iterable[cal.Event] | None = None) -> list[str]:
    """The discount schemes of the year's discount events, in calendar order, each once.

    With the plan's scheduled `events` (the model's), exactly those; without them (`playbooks
    validate` has only the params) every scheme a chosen event may use: caps and overlaps that turn
    a discount event into a theme event are only known once the model runs, and premium swaps
    only when `premium` or `average_order_value` says so, so the list may be longer, never shorter.
    """
    if events is not None:
        return list(dict.fromkeys(x for e in events if e.discount for x in e.schemes))
    premium = section.premium
    if premium is None and section.average_order_value is not None:
        premium = section.average_order_value >= section.premium_threshold
    schemes: list[str] = []
    for key in section.events:
        if key == "anniversary" and section.anniversary is None:
            continue  # no date, no event (calendar.event_day)
        tpl, opt = cal.TEMPLATES[key], section.event_settings.get(key)
        discount = tpl.discount if opt is None or opt.discount is None else opt.discount
        if not discount:
            continue
        if opt is not None and opt.schemes is not None:
            schemes += opt.schemes
        else:
            schemes += [cal.PREMIUM_SWAP.get(x, x) if premium else x for x in tpl.schemes]
    return list(dict.fromkeys(schemes))


def uses(section: Section, figures: Any = None) -> list[tuple[str, str]]:
    """Weekly fixtures in the mini program and the groups; event schemes wherever events are run and
    announced. `figures`: the plan's figures (`figures.plan_figures`), whose model's scheduled events
    give an exact list; without them (`playbooks validate`) the longest list (see `event_schemes`)."""
    events = figures.model.events if figures is not None else None
    pairs = [(WEEKLY_MECHANIC[a.activity], channel) for a in section.weekly_activities
             if a.activity in WEEKLY_MECHANIC for channel in WEEKLY_CHANNELS]
    pairs += [(SCHEME_MECHANIC[x], channel) for x in event_schemes(section, events) if x in SCHEME_MECHANIC
              for channel in EVENT_CHANNELS]
    return list(dict.fromkeys(pairs))  # each pair once, in order
