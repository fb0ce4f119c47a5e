"""Scoring: the marking scheme of a test and the score of answers against it, pure (no database, no locks).

What is computed here is stored by bekrin/assessments/services/grades.py, which locks, writes results and regrades;
the selectors use the same functions to show a score without writing one.

A test's questions come from two places: the answer key (`mcq_answers`, `numeric_answers`) and
`config.written_questions`, the numbers the teacher marks by hand. Each question is worth its weight from
`config.question_weights` (1 when not given); the maximum score is the sum of the weights. Every value a teacher
or student sends passes through the `normalize_*` functions here, so what is stored is always in one canonical form
(question numbers as strings without leading zeros, MCQ letters upper-case, numeric answers with a decimal point).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from bekrin.assessments.models import QuestionType
from bekrin.core.errors import DomainError

MAX_QUESTION_NUMBER = 500
MCQ_LETTERS = frozenset("ABCDEFGH")
MAX_WEIGHT = Decimal(1000)
MAX_ATTEMPTS_LIMIT = 100
MAX_TIME_LIMIT_MINUTES = 24 * 60
MAX_SHORT_ANSWER = 100  # an MCQ letter or a number, with room for what a student might type around it
MAX_WRITTEN_ANSWER = 20_000
MAX_EXPONENT = 60
CENT = Decimal("0.01")
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

CONFIG_KEYS = ("max_attempts", "time_limit_minutes", "question_weights", "written_questions")
DEFAULT_CONFIG: dict[str, Any] = {
    "max_attempts": 1,
    "time_limit_minutes": None,
    "question_weights": {},
    "written_questions": [],
}


def effective_config(stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The settings in force: stored values over the defaults (rows written outside the API may lack some)."""
    return {key: (stored or {}).get(key, default) for key, default in DEFAULT_CONFIG.items()}


@dataclass(frozen=True)
class Question:
    number: int
    type: QuestionType
    weight: Decimal


@dataclass(frozen=True)
class Scheme:
    """The questions of a test with their weights and correct answers (the key never leaves the server)."""

    questions: tuple[Question, ...]
    mcq: Mapping[str, str] = field(default_factory=dict)
    numeric: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def max_score(self) -> Decimal:
        return sum((question.weight for question in self.questions), Decimal("0")).quantize(CENT)

    def by_number(self) -> dict[str, Question]:
        return {str(question.number): question for question in self.questions}

    @property
    def written(self) -> tuple[Question, ...]:
        return tuple(question for question in self.questions if question.type == QuestionType.WRITTEN)


@dataclass(frozen=True)
class Grade:
    marks: dict[str, Decimal | None]  # None: a written question the teacher has not marked yet
    score: Decimal
    max_score: Decimal

    @property
    def complete(self) -> bool:
        return all(mark is not None for mark in self.marks.values())


def parse_number(value: object) -> Decimal | None:
    """A finite decimal from a number or text; a decimal comma counts as a point ("2,5" is 2.5). None if not one."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        return None
    text = str(value).strip().replace(",", ".")
    if len(text) > MAX_SHORT_ANSWER:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    # Bounding the exponent keeps "1e999999" from becoming a million digits when written out in plain form.
    if not number.is_finite() or abs(number.adjusted()) > MAX_EXPONENT:
        return None
    return number


def _question_number(raw: object) -> str | None:
    """The canonical form of a question number ("007" → "7"), or None when it is not a number from 1 to the max."""
    if isinstance(raw, bool):
        return None
    text = str(raw).strip()
    if not text.isdecimal() or not text.isascii():
        return None
    number = int(text)
    return str(number) if 1 <= number <= MAX_QUESTION_NUMBER else None


def _bad_question_number(key: object) -> str:
    return _("%(key)s is not a question number from 1 to %(max)s.") % {"key": key, "max": MAX_QUESTION_NUMBER}


def _format_number(number: Decimal) -> str:
    """A number as plain text without exponent or trailing zeros: 25.0 → "25", 2.50 → "2.5"."""
    text = format(number.normalize(), "f")
    return text if text != "-0" else "0"


def _json_number(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def _positive_int(value: object, *, maximum: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        return None
    return value


def normalize_config(raw: object, *, base: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A validated, complete config: given keys replace those of `base` (the stored config), the rest default."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise DomainError(_("Settings must be a JSON object."), fields={"config": [_("Expected an object.")]})
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(raw) - set(CONFIG_KEYS))
    for key in unknown:
        errors[str(key)] = [_("Unknown setting.")]
    merged = {**DEFAULT_CONFIG, **(base or {}), **{k: v for k, v in raw.items() if k in CONFIG_KEYS}}
    config: dict[str, Any] = {}

    max_attempts = _positive_int(merged["max_attempts"], maximum=MAX_ATTEMPTS_LIMIT)
    if max_attempts is None:
        errors["max_attempts"] = [_("Must be a whole number from 1 to %(max)s.") % {"max": MAX_ATTEMPTS_LIMIT}]
    config["max_attempts"] = max_attempts

    limit = merged["time_limit_minutes"]
    if limit is not None and _positive_int(limit, maximum=MAX_TIME_LIMIT_MINUTES) is None:
        errors["time_limit_minutes"] = [
            _("Must be empty or a whole number of minutes from 1 to %(max)s.") % {"max": MAX_TIME_LIMIT_MINUTES}
        ]
    config["time_limit_minutes"] = limit

    weights = merged["question_weights"]
    normalized_weights: dict[str, int | float] = {}
    if not isinstance(weights, dict):
        errors["question_weights"] = [_("Expected an object of question number to weight.")]
    else:
        weight_errors: list[str] = []
        for key, value in weights.items():
            number = _question_number(key)
            weight = parse_number(value) if not isinstance(value, str) else None
            if number is None:
                weight_errors.append(_bad_question_number(key))
            elif weight is None or not Decimal(0) < weight <= MAX_WEIGHT or weight != weight.quantize(CENT):
                weight_errors.append(
                    _(
                        "The weight of question %(key)s must be a number above 0 and at most %(max)s, with at most "
                        "two decimals."
                    )
                    % {"key": key, "max": MAX_WEIGHT}
                )
            else:
                normalized_weights[number] = _json_number(weight)
        if weight_errors:
            errors["question_weights"] = weight_errors
    config["question_weights"] = dict(sorted(normalized_weights.items(), key=lambda item: int(item[0])))

    written = merged["written_questions"]
    numbers: set[int] = set()
    if not isinstance(written, list):
        errors["written_questions"] = [_("Expected a list of question numbers.")]
    else:
        written_errors = []
        for item in written:
            number = _question_number(item) if isinstance(item, int) else None
            if number is None:
                written_errors.append(_bad_question_number(item))
            else:
                numbers.add(int(number))
        if written_errors:
            errors["written_questions"] = written_errors
    config["written_questions"] = sorted(numbers)

    if errors:
        raise DomainError(_("The test settings are invalid."), fields={"config": errors})
    return config


def normalize_answer_key(
    *, mcq_answers: object, numeric_answers: object, written_questions: list[int]
) -> tuple[dict[str, str], dict[str, str]]:
    """The key in canonical form; every problem is reported at once, under the field it belongs to."""
    errors: dict[str, list[str]] = {}
    mcq: dict[str, str] = {}
    numeric: dict[str, str] = {}
    for name, raw, target in (("mcq_answers", mcq_answers, mcq), ("numeric_answers", numeric_answers, numeric)):
        if not isinstance(raw, dict):
            errors[name] = [_("Expected an object of question number to answer.")]
            continue
        problems = []
        for key, value in raw.items():
            number = _question_number(key)
            if number is None:
                problems.append(_bad_question_number(key))
            elif number in target:
                problems.append(_("Question %(key)s is given twice.") % {"key": number})
            elif name == "mcq_answers":
                letter = value.strip().upper() if isinstance(value, str) else ""
                if letter not in MCQ_LETTERS:
                    problems.append(_("The answer to question %(key)s must be one letter from A to H.") % {"key": key})
                else:
                    target[number] = letter
            else:
                parsed = parse_number(value)
                if parsed is None:
                    problems.append(_("The answer to question %(key)s must be a number.") % {"key": key})
                else:
                    target[number] = _format_number(parsed)
        if problems:
            errors[name] = problems
    both = sorted(set(mcq) & set(numeric), key=int)
    if both:
        errors.setdefault("numeric_answers", []).append(
            _("Questions %(numbers)s are also in mcq_answers; a question has one answer.")
            % {"numbers": ", ".join(both)}
        )
    written = sorted({str(n) for n in written_questions} & (set(mcq) | set(numeric)), key=int)
    if written:
        errors.setdefault("mcq_answers", []).append(
            _("Questions %(numbers)s are written questions in the test settings.") % {"numbers": ", ".join(written)}
        )
    if errors:
        raise DomainError(_("The answer key is invalid."), fields=errors)
    return _by_number(mcq), _by_number(numeric)


def _by_number(answers: dict[str, str]) -> dict[str, str]:
    return dict(sorted(answers.items(), key=lambda item: int(item[0])))


def build_scheme(config: Mapping[str, Any] | None, mcq: Mapping[str, str], numeric: Mapping[str, str]) -> Scheme:
    """The scheme from stored (already normalized) settings and key."""
    config = config or {}
    weights = config.get("question_weights") or {}
    types: dict[int, QuestionType] = {}
    for number in mcq:
        types[int(number)] = QuestionType.MCQ
    for number in numeric:
        types[int(number)] = QuestionType.NUMERIC
    for number in config.get("written_questions") or []:
        types.setdefault(int(number), QuestionType.WRITTEN)
    questions = tuple(
        Question(number=n, type=types[n], weight=Decimal(str(weights.get(str(n), 1)))) for n in sorted(types)
    )
    parsed_numeric = {key: parse_number(value) for key, value in numeric.items()}
    return Scheme(
        questions=questions,
        mcq=dict(mcq),
        numeric={key: value for key, value in parsed_numeric.items() if value is not None},
    )


def storable_text(text: str) -> bool:
    """False for text a jsonb value cannot hold: PostgreSQL refuses a NUL character and a lone UTF-16 surrogate."""
    return UNSTORABLE.search(text) is None


def normalize_answers(scheme: Scheme, raw: object) -> dict[str, str | None]:
    """A student's answers keyed by canonical question number; None clears an answer. Unknown numbers are refused."""
    if not isinstance(raw, dict):
        raise DomainError(_("Answers must be an object of question number to answer."), fields={"answers": []})
    questions = scheme.by_number()
    errors: list[str] = []
    answers: dict[str, str | None] = {}
    for key, value in raw.items():
        number = _question_number(key)
        question = questions.get(number) if number else None
        if number is None or question is None:
            errors.append(_("The test has no question %(key)s.") % {"key": key})
            continue
        if value is None:
            answers[number] = None
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            errors.append(_("The answer to question %(key)s must be text or a number.") % {"key": key})
            continue
        text = str(value)
        limit = MAX_WRITTEN_ANSWER if question.type == QuestionType.WRITTEN else MAX_SHORT_ANSWER
        if len(text) > limit:
            errors.append(
                _("The answer to question %(key)s is longer than %(limit)s characters.") % {"key": key, "limit": limit}
            )
            continue
        if not storable_text(text):
            errors.append(
                _("The answer to question %(key)s contains a character that cannot be stored.") % {"key": key}
            )
            continue
        answers[number] = text
    if errors:
        raise DomainError(_("Some answers are invalid."), fields={"answers": errors})
    return answers


def normalize_written_scores(scheme: Scheme, raw: object) -> dict[str, str]:
    """The teacher's marks for written questions: each from 0 to the question's weight, with at most two decimals."""
    if not isinstance(raw, dict):
        raise DomainError(_("Expected an object of question number to mark."), fields={"written_scores": []})
    written = {str(question.number): question for question in scheme.written}
    errors: list[str] = []
    scores: dict[str, str] = {}
    for key, value in raw.items():
        number = _question_number(key)
        question = written.get(number) if number else None
        if number is None or question is None:
            errors.append(_("Question %(key)s is not a written question of this test.") % {"key": key})
            continue
        mark = parse_number(value) if not isinstance(value, str) else None
        if mark is None or not Decimal(0) <= mark <= question.weight or mark != mark.quantize(CENT):
            errors.append(
                _("The mark of question %(key)s must be a number from 0 to %(max)s with at most two decimals.")
                % {"key": key, "max": _format_number(question.weight)}
            )
            continue
        scores[number] = _format_number(mark)
    if errors:
        raise DomainError(_("Some marks are invalid."), fields={"written_scores": errors})
    return scores


def _is_correct(question: Question, scheme: Scheme, answer: object) -> bool:
    key = str(question.number)
    if question.type == QuestionType.MCQ:
        return isinstance(answer, str) and answer.strip().upper() == scheme.mcq[key]
    expected = scheme.numeric.get(key)
    given = parse_number(answer)
    return expected is not None and given is not None and given == expected


def grade(scheme: Scheme, answers: Mapping[str, Any], written_scores: Mapping[str, str]) -> Grade:
    """Marks per question: MCQ case-insensitively, numeric by value (2,5 = 2.5, 25 = 25.0), written from the teacher."""
    marks: dict[str, Decimal | None] = {}
    for question in scheme.questions:
        key = str(question.number)
        mark: Decimal | None
        if question.type == QuestionType.WRITTEN:
            mark = parse_number(written_scores[key]) if key in written_scores else None
        else:
            mark = question.weight if _is_correct(question, scheme, answers.get(key)) else Decimal(0)
        marks[key] = mark.quantize(CENT) if mark is not None else None
    score = sum((mark for mark in marks.values() if mark is not None), Decimal(0)).quantize(CENT)
    return Grade(marks=marks, score=score, max_score=scheme.max_score)
