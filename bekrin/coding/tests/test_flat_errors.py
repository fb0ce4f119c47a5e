"""The import's error paths come from the one `flat_errors` in bekrin.core.api_base (shared with attendance)."""

from bekrin.coding.api.teacher import ImportIn
from bekrin.core.api_base import flat_errors


def test_nested_errors_are_named_by_their_path():
    data = ImportIn(
        data={
            "tasks": [
                {"title": "A", "description": "d", "difficulty": "easy", "test_cases": [{"input": ""}]},
                {"title": "B", "description": "d", "difficulty": "x", "test_cases": "y"},
            ]
        }
    )
    assert not data.is_valid()
    assert flat_errors(data.errors).keys() == {
        "tasks[0].test_cases[0].expected",
        "tasks[1].difficulty",
        "tasks[1].test_cases",
    }


def test_a_list_or_an_object_keeps_its_own_errors_under_its_name():
    assert flat_errors({"non_field_errors": ["a"], "items": {"non_field_errors": ["b"], 2: {"x": ["c"]}}}) == {
        "non_field_errors": ["a"],
        "items": ["b"],
        "items[2].x": ["c"],
    }
    assert flat_errors({"items": [{}, {"x": ["c"]}, []]}) == {"items[1].x": ["c"]}
