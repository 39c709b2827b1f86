"""`playbooks learn`: a consultant's past campaigns pooled into priors for the next plans.

    playbooks learn params/ old-clients/bloom-2025.yaml --out priors.yaml

Every params file (or folder of them) whose playbook sections name `actuals:` is a past campaign.
Each is reviewed as `playbooks run` would review it (`review_rates`: what the days measured of each
rate and the counts behind it), then the campaigns are pooled per playbook and rate with partial
pooling (`bayes.pool`: a random-effects model; `bayes.shrink` for each client's own history). The
priors file, per playbook and rate: `range` (the next campaign's P10–P90), `campaigns`, `days`,
the `merchants` behind it and each merchant's own range (`by_merchant`), plus where the rate sits
in the section (`path`). A params file names it with `priors:` (see `priors.py`).

Refused, each with a clear message and nothing written: a single campaign (nothing to pool),
contradictory actuals (more orders than bargains finished), days with zero traffic (a day not
reported is a row left out). The file is written atomically (a temporary file, then renamed).
"""

from __future__ import annotations

import math
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from . import __version__, bayes, registry
from .errors import UserError
from .priors import FORMAT, fingerprint

MIN_CAMPAIGNS = 2
# the pooled range is the next campaign's; it keeps at least ±3% around its centre
MIN_RELATIVE_HALF_WIDTH = 0.03


class LearnError(UserError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("playbooks learn: nothing written:\n" + "\n".join(f"  {p}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Observation:
    """What one past campaign's days measured of one rate."""

    playbook: str
    merchant: str
    source: str
    rate: str
    path: str  # where the rate sits in the playbook's section, e.g. community.join_rate
    share: bool
    observed: float
    events: float
    days: int


def _zero_traffic(plan, spec) -> list[str]:
    """The days the campaign's first metric (its traffic) reported 0."""
    root = spec.metrics[0].key
    a = plan.tables["review_vs_plan"]
    zero = a[(a["metric"] == root) & (a["actual"] == 0)]
    return [str(d) for d in zero["date"]]


def observe_file(path: Path) -> tuple[list[Observation], list[str]]:
    """The observations of one params file's past campaigns, and its problems."""
    from .loading import load_params

    mp = load_params(path)
    out, problems = [], []
    for name in mp.playbooks:
        params = mp.for_playbook(name)
        if not getattr(params.section, "actuals", None):
            continue
        plan = registry.build_plan(name, params)
        summary = plan.data.get("review_summary")
        if summary is None:
            problems.append(f"{mp.source}: {name}: the campaign has not started by today; nothing to learn")
            continue
        spec = registry.get(name).review()(plan, params)
        zero = _zero_traffic(plan, spec)
        if zero:
            problems.append(f"{mp.source}: {name}: {spec.metrics[0].key} is 0 on {', '.join(zero)}: a day with no "
                            "traffic is a tracking gap or a day the campaign was off; leave its row out of the actuals")
        prefix = summary["section"].split(".")[1:]
        for rate, r in summary["rates"].items():
            if r["reason"] == "contradictory":
                problems.append(f"{mp.source}: {name}: actuals contradict each other: {r['metric']} is more than "
                                f"its base on {', '.join(map(str, r['contradictory_days']))} (e.g. more orders than "
                                "bargains finished); correct those rows")
            elif r["next"] is not None and math.isfinite(r["observed"]):
                out.append(Observation(name, mp.slug, mp.source, rate, ".".join([*prefix, rate]), bool(r["share"]),
                                       float(r["observed"]), float(r["events"]), int(r["days"])))
    return out, problems


def observe(paths: list[Path]) -> list[Observation]:
    """Every past campaign in these files; LearnError listing every problem."""
    observations, problems = [], []
    for path in paths:
        found, bad = observe_file(path)
        observations += found
        problems += bad
    if not observations and not problems:
        problems.append("no past campaigns: none of these params files has a section naming actuals:")
    if problems:
        raise LearnError(problems)
    return observations


def pool_priors(observations: list[Observation]) -> dict:
    """The priors document: per playbook and rate, the pooled range and what stands behind it."""
    by: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for o in observations:
        by[(o.playbook, o.rate)].append(o)
    campaigns = {pb: {(o.source, o.merchant) for o in observations if o.playbook == pb}
                 for pb in {o.playbook for o in observations}}
    problems = [f"{pb}: only one past campaign ({next(iter(c))[0]}); pooling needs at least {MIN_CAMPAIGNS}"
                for pb, c in sorted(campaigns.items()) if len(c) < MIN_CAMPAIGNS]
    if problems:
        raise LearnError(problems)
    playbooks: dict[str, dict] = {}
    for (pb, rate), obs in sorted(by.items()):
        if len(obs) < MIN_CAMPAIGNS:
            continue  # a rate only one campaign measured stays as each plan types it
        share = obs[0].share
        pooled = bayes.pool([o.observed for o in obs], [o.events for o in obs], share, MIN_RELATIVE_HALF_WIDTH)
        merchants = sorted({o.merchant for o in obs})
        own = {}
        for m in merchants:
            mine = [o for o in obs if o.merchant == m]
            s = bayes.shrink(pooled, [o.observed for o in mine], [o.events for o in mine], share,
                             MIN_RELATIVE_HALF_WIDTH)
            own[m] = {"range": [_sig(s.low), _sig(s.high)], "campaigns": len(mine)}
        entry = {"range": [_sig(pooled.low), _sig(pooled.high)], "mean_range": [_sig(pooled.mean_low),
                                                                             _sig(pooled.mean_high)],
                 "campaigns": len(obs),
                 "days": sum(o.days for o in obs), "merchants": merchants, "path": obs[0].path, "by_merchant": own}
        playbooks.setdefault(pb, {"model": fingerprint(pb), "rates": {}})["rates"][rate] = entry
    return {"priors_format": FORMAT, "made_by": f"playbooks {__version__} learn", "made_on": date.today().isoformat(),
            "playbooks": playbooks}


def _sig(v: float, digits: int = 3) -> float:
    return float(f"{v:.{digits}g}") if math.isfinite(v) and v != 0 else float(v)


def write_priors(doc: dict, out: Path) -> None:
    """Write the priors file atomically: readers see the old file or the new one, never half of one."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("# pooled priors from past campaigns (playbooks learn); name this file with priors: in a params file\n")
            yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def learn(paths: list[Path], out: Path) -> dict:
    doc = pool_priors(observe(paths))
    write_priors(doc, out)
    return doc


def summary_lines(doc: dict, out: Path) -> list[str]:
    lines = []
    for pb, entry in doc["playbooks"].items():
        for rate, r in entry["rates"].items():
            lines.append(f"{pb}.{rate}: {r['range'][0]:g} – {r['range'][1]:g} from {r['campaigns']} campaigns, "
                         f"{r['days']} days, {len(r['merchants'])} merchant(s)")
    lines.append(f"wrote {out}")
    return lines
