"""Certificate file names a trainer can hand out: the person's name, safe on every system, never two alike."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from facilitator.documents.file_names import handout_names

SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*\.pdf$")


def test_last_name_first_then_first_name() -> None:
    assert handout_names([("Díaz", "Ana", "C-1"), ("O'Brien", "Émile", "C-2")]) == [
        "Diaz-Ana-certificate.pdf", "O-Brien-Emile-certificate.pdf"]


def test_two_people_with_one_name_get_their_ids_and_case_does_not_hide_a_clash() -> None:
    names = handout_names([("Lee", "Sam", "C-1"), ("LEE", "sam", "C-2"), ("Lee", "Samira", "C-3")])
    assert names == ["Lee-Sam-C-1-certificate.pdf", "LEE-sam-C-2-certificate.pdf", "Lee-Samira-certificate.pdf"]


def test_a_name_that_looks_like_another_with_its_id_still_differs() -> None:
    names = handout_names([("Lee", "Sam", "C-1"), ("Lee", "Sam", "C-2"), ("Lee", "Sam C 1", "C-3")])
    assert len({n.casefold() for n in names}) == 3


def test_a_name_without_latin_letters_is_its_certificate_id() -> None:
    assert handout_names([("王", "小明", "C-2026-007")]) == ["certificate-C-2026-007.pdf"]


def test_names_that_would_break_a_path_are_made_safe() -> None:
    [name] = handout_names([("../../etc", "CON:*?<>|\\", "C-9")])
    assert SAFE.match(name) and "/" not in name and ".." not in name


@given(st.lists(st.tuples(st.text(max_size=80), st.text(max_size=80)), min_size=1, max_size=30))
def test_any_roster_gives_unique_safe_names(people: list[tuple[str, str]]) -> None:
    names = handout_names([(last, first, f"C-{i:03}") for i, (last, first) in enumerate(people)])
    assert len({n.casefold() for n in names}) == len(names)
    assert all(SAFE.match(n) and len(n) < 140 for n in names)


def test_missing_or_repeated_ids_still_give_unique_names() -> None:
    names = handout_names([("Lee", "Sam", ""), ("Lee", "Sam", ""), ("Li", "Bo", "C-1"), ("Li", "Bo", "C-1")])
    assert len({n.casefold() for n in names}) == 4
