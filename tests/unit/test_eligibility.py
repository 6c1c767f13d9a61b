"""Who earns a certificate: the workshop's minutes less grace, each met jurisdiction's minimum, overrides."""

from __future__ import annotations

from facilitator.content.library import Library
from facilitator.domain.eligibility import Override, decide_eligibility, jurisdictions_met, minute_rules


def test_supervisors_in_california_need_the_strictest_minimum(library: Library) -> None:
    workshop = library.workshops["harassment-prevention-supervisors"].outline()
    met = jurisdictions_met(workshop, [library.jurisdictions["ca-supervisors"], library.jurisdictions["nyc"]])
    assert {m.code for m in met} == {"ca-supervisors", "nyc"}
    rules = minute_rules(workshop, 10, met)
    assert max(r.minutes for r in rules) == workshop.instruction_minutes - 10
    assert any(r.minutes == 120 and "California" in r.source for r in rules)


def test_a_jurisdiction_the_workshop_does_not_meet_is_not_claimed(library: Library) -> None:
    workshop = library.workshops["allyship"].outline()
    assert jurisdictions_met(workshop, [library.jurisdictions["ca-supervisors"]]) == []


def test_minutes_decide_unless_the_trainer_overrides_with_a_reason(library: Library) -> None:
    workshop = library.workshops["harassment-prevention-employees"].outline()
    rules = minute_rules(workshop, 10, [])
    needed = workshop.instruction_minutes - 10
    assert decide_eligibility(needed, rules).eligible
    short = decide_eligibility(needed - 1, rules)
    assert not short.eligible and f"needs {needed}" in short.reason
    forgiven = decide_eligibility(5, rules, Override(True, "made up the missed part on 3 Dec"))
    assert forgiven.eligible and forgiven.overridden and "made up" in forgiven.reason
    refused = decide_eligibility(needed + 30, rules, Override(False, "slept through the role-play"))
    assert not refused.eligible
