"""README's params reference matches the schemas, its panel table the panels."""

from conftest import ROOT
from merchant_playbooks.docs import (
    END,
    PANELS_END,
    PANELS_START,
    START,
    panels_reference,
    reference,
)


def test_readme_params_reference_is_up_to_date():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    current = text.split(START, 1)[1].split(END, 1)[0]
    assert current.strip() == reference().strip(), "run: python -m merchant_playbooks.docs README.md"


def test_readme_panel_levers_are_up_to_date():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    current = text.split(PANELS_START, 1)[1].split(PANELS_END, 1)[0]
    assert current.strip() == panels_reference().strip(), "run: python -m merchant_playbooks.docs README.md"
