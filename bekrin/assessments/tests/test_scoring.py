"""The marking scheme and grading, without a database: validation of settings and keys, and the marks."""

from decimal import Decimal

import pytest

from bekrin.assessments.models import QuestionType
from bekrin.assessments.scoring import (
    build_scheme,
    grade,
    normalize_answer_key,
    normalize_answers,
    normalize_config,
    normalize_written_scores,
    parse_number,
)
from bekrin.core.errors import DomainError

CONFIG = {"max_attempts": 1, "time_limit_minutes": None, "question_weights": {"2": 2}, "written_questions": [21]}
SCHEME = build_scheme(CONFIG, {"1": "A", "2": "C"}, {"11": "25", "12": "2.5"})


def field_errors(call, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value.fields


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2,5", Decimal("2.5")),
        (" 25 ", Decimal("25")),
        ("25.0", Decimal("25")),
        (3, Decimal("3")),
        ("-0,5", Decimal("-0.5")),
    ],
)
def test_numbers_accept_a_decimal_comma_and_compare_by_value(given, expected):
    assert parse_number(given) == expected


@pytest.mark.parametrize("given", ["", "abc", "1,000.5", "NaN", "Infinity", "1e999999", True, None, [1]])
def test_what_is_not_a_plain_number_is_not_parsed(given):
    assert parse_number(given) is None


def test_a_config_is_completed_with_defaults_and_normalized():
    config = normalize_config({"question_weights": {"03": 1.5, "1": 2}, "written_questions": [22, 21, 21]})
    assert config == {
        "max_attempts": 1,
        "time_limit_minutes": None,
        "question_weights": {"1": 2, "3": 1.5},
        "written_questions": [21, 22],
    }


def test_a_partial_config_keeps_the_stored_values():
    stored = normalize_config({"max_attempts": 3, "time_limit_minutes": 40})
    assert normalize_config({"time_limit_minutes": None}, base=stored)["max_attempts"] == 3


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"max_attempts": "2"}, "max_attempts"),
        ({"max_attempts": True}, "max_attempts"),
        ({"time_limit_minutes": 0}, "time_limit_minutes"),
        ({"time_limit_minutes": 2000}, "time_limit_minutes"),
        ({"question_weights": {"0": 1}}, "question_weights"),
        ({"question_weights": {"1": -1}}, "question_weights"),
        ({"question_weights": {"1": 0.001}}, "question_weights"),
        ({"question_weights": {"1": "2"}}, "question_weights"),
        ({"question_weights": [1]}, "question_weights"),
        ({"written_questions": ["21"]}, "written_questions"),
        ({"written_questions": [501]}, "written_questions"),
        ({"anti_cheat": True}, "anti_cheat"),
    ],
)
def test_a_bad_config_names_the_setting(config, field):
    assert field in field_errors(normalize_config, config)["config"]


def test_a_config_that_is_not_an_object_is_refused():
    assert "config" in field_errors(normalize_config, [1, 2])


def test_an_answer_key_is_normalized():
    mcq, numeric = normalize_answer_key(
        mcq_answers={"2": " c", "1": "a"}, numeric_answers={"11": "2,50", "12": 25}, written_questions=[]
    )
    assert mcq == {"1": "A", "2": "C"}
    assert numeric == {"11": "2.5", "12": "25"}


def test_a_key_with_a_number_in_both_maps_is_refused():
    fields = field_errors(
        normalize_answer_key, mcq_answers={"1": "A"}, numeric_answers={"1": "3"}, written_questions=[]
    )
    assert "numeric_answers" in fields


@pytest.mark.parametrize(
    ("mcq", "numeric", "field"),
    [
        ({"0": "A"}, {}, "mcq_answers"),
        ({"x": "A"}, {}, "mcq_answers"),
        ({"1": "I"}, {}, "mcq_answers"),
        ({"1": "AB"}, {}, "mcq_answers"),
        ({"1": 1}, {}, "mcq_answers"),
        ({}, {"2": "iki"}, "numeric_answers"),
        ({}, {"2": None}, "numeric_answers"),
        ({"1": "A", "01": "B"}, {}, "mcq_answers"),
        ([], {}, "mcq_answers"),
        ({"21": "A"}, {}, "mcq_answers"),  # 21 is a written question
    ],
)
def test_a_bad_key_names_the_map(mcq, numeric, field):
    fields = field_errors(normalize_answer_key, mcq_answers=mcq, numeric_answers=numeric, written_questions=[21])
    assert field in fields


def test_the_scheme_lists_every_question_with_type_and_weight():
    assert [(q.number, q.type, q.weight) for q in SCHEME.questions] == [
        (1, QuestionType.MCQ, Decimal(1)),
        (2, QuestionType.MCQ, Decimal(2)),
        (11, QuestionType.NUMERIC, Decimal(1)),
        (12, QuestionType.NUMERIC, Decimal(1)),
        (21, QuestionType.WRITTEN, Decimal(1)),
    ]
    assert SCHEME.max_score == Decimal("6.00")


def test_grading_is_case_insensitive_for_letters_and_by_value_for_numbers():
    result = grade(SCHEME, {"1": " a ", "2": "B", "11": "25.0", "12": "2,5"}, {})
    assert result.marks == {
        "1": Decimal("1.00"),
        "2": Decimal("0.00"),
        "11": Decimal("1.00"),
        "12": Decimal("1.00"),
        "21": None,
    }
    assert result.score == Decimal("3.00")
    assert not result.complete


def test_weights_count_and_written_marks_complete_the_grade():
    result = grade(SCHEME, {"2": "c", "21": "Həll: ..."}, {"21": "0.5"})
    assert result.marks["2"] == Decimal("2.00")
    assert result.score == Decimal("2.50")
    assert result.complete


def test_missing_and_unreadable_answers_score_nothing():
    assert grade(SCHEME, {"11": "iyirmi beş", "12": None}, {}).score == Decimal("0.00")


def test_student_answers_must_be_questions_of_the_test():
    assert normalize_answers(SCHEME, {"01": "b", "21": "mətn", "12": 2.5, "2": None}) == {
        "1": "b",
        "21": "mətn",
        "12": "2.5",
        "2": None,
    }
    assert "answers" in field_errors(normalize_answers, SCHEME, {"99": "A"})
    assert "answers" in field_errors(normalize_answers, SCHEME, {"1": "A" * 101})
    assert "answers" in field_errors(normalize_answers, SCHEME, {"1": {"x": 1}})


def test_written_marks_are_between_zero_and_the_weight():
    assert normalize_written_scores(SCHEME, {"21": 1}) == {"21": "1"}
    assert "written_scores" in field_errors(normalize_written_scores, SCHEME, {"21": 2})
    assert "written_scores" in field_errors(normalize_written_scores, SCHEME, {"21": -1})
    assert "written_scores" in field_errors(normalize_written_scores, SCHEME, {"1": 1})  # an MCQ question
