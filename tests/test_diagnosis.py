"""Stage diagnosis: the sources' four stages, from the merchant block."""

import pytest
from merchant_playbooks import registry
from merchant_playbooks.diagnosis import FEW_FANS_MAX, ZERO_FANS_MAX, diagnose
from merchant_playbooks.diagnosis_text import text
from merchant_playbooks.schema import MerchantSection


@pytest.mark.parametrize(
    ("merchant", "stage", "playbook"),
    [
        ({"fans": 0, "budget": 0}, "zero", "zero_fan_launch"),
        ({"fans": ZERO_FANS_MAX - 1, "budget": 50_000}, "zero", "zero_fan_launch"),
        ({"fans": ZERO_FANS_MAX, "budget": 0}, "few_fans", "first_event_bargaining"),
        ({"fans": FEW_FANS_MAX - 1, "months_trading": 60, "repeat_rate": 0.5, "growth_rate": 0.2}, "few_fans",
         "first_event_bargaining"),
        ({"fans": FEW_FANS_MAX - 1, "months_trading": 60, "repeat_rate": 0.5}, "stable", "membership_community"),
        ({"fans": 20_000, "months_trading": 12, "growth_rate": 0.1}, "growing", "rapid_growth_cadence"),
        ({"fans": 20_000, "months_trading": 36, "repeat_rate": 0.4, "growth_rate": 0.12}, "growing",
         "rapid_growth_cadence"),
        ({"fans": 20_000, "months_trading": 36, "repeat_rate": 0.4, "growth_rate": 0.01}, "stable",
         "membership_community"),
    ],
)
def test_stage_and_playbook(merchant, stage, playbook):
    d = diagnose(MerchantSection(name="Shop", **merchant), registry.for_stage)
    assert (d.stage, d.playbook) == (stage, playbook)


def test_reasons_read_in_both_languages_with_the_numbers():
    d = diagnose(MerchantSection(name="Shop", fans=0, budget=0), registry.for_stage)
    assert "0 followers" in text(d, "en") and "traffic comes first" in text(d, "en")
    assert text(d, "en").count(". ") == 0 and text(d, "en").endswith(".")
    assert "粉丝 0 人" in text(d, "zh")
