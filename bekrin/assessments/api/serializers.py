"""Output serializers shared by the teacher's and the student's views, and the paginated envelope."""

from typing import Any

from rest_framework import serializers

from bekrin.assessments.models import AttemptStatus, QuestionType
from bekrin.assessments.scoring import Scheme
from bekrin.core.serializers import PersonRefOut


def score_field(**options: Any) -> serializers.DecimalField:
    """A score or weight: numeric(8,2), sent as a decimal string ("7.50")."""
    return serializers.DecimalField(max_digits=8, decimal_places=2, **options)


class QuestionOut(serializers.Serializer):
    number = serializers.IntegerField()
    type = serializers.ChoiceField(choices=QuestionType.choices)
    weight = score_field()


def questions_of(scheme: Scheme) -> Any:
    return QuestionOut(scheme.questions, many=True).data


class ConfigOut(serializers.Serializer):
    max_attempts = serializers.IntegerField()
    time_limit_minutes = serializers.IntegerField(allow_null=True)
    question_weights = serializers.DictField(
        child=serializers.FloatField(), help_text='Question number → weight, e.g. {"3": 2}; unlisted questions weigh 1.'
    )
    written_questions = serializers.ListField(
        child=serializers.IntegerField(), help_text="Numbers of the questions the teacher marks by hand."
    )


class MarksField(serializers.DictField):
    """Question number → mark ("1.00"), null for a written question not marked yet."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=score_field(allow_null=True), **kwargs)


class AnswersField(serializers.DictField):
    """Question number → the student's answer as text."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.CharField(), **kwargs)


class AttemptOut(serializers.Serializer):
    """An attempt as its student sees it (an AttemptView): marks appear once it is submitted."""

    id = serializers.IntegerField(source="attempt.id")
    test_id = serializers.IntegerField(source="attempt.test_id")
    test_title = serializers.CharField(source="attempt.test.title")
    status = serializers.ChoiceField(choices=AttemptStatus.choices, source="attempt.status")
    started_at = serializers.DateTimeField(source="attempt.started_at")
    submitted_at = serializers.DateTimeField(source="attempt.submitted_at", allow_null=True)
    deadline = serializers.DateTimeField(
        allow_null=True, help_text="While started: when it closes (time limit or window end); null if never."
    )
    is_open = serializers.BooleanField(help_text="Started and before its deadline: answers can still be saved.")
    answers = AnswersField(source="attempt.answers")
    marks = MarksField(allow_null=True, help_text="Per question, once submitted; null while started.")
    score = score_field(source="attempt.score", allow_null=True)
    max_score = score_field()


class TeacherAttemptOut(serializers.Serializer):
    """An attempt with the student, the answers, per-question marks and the teacher's written marks."""

    id = serializers.IntegerField(source="attempt.id")
    test_id = serializers.IntegerField(source="attempt.test_id")
    student_id = serializers.IntegerField(source="attempt.student_id")
    student = PersonRefOut(source="attempt.student")
    status = serializers.ChoiceField(choices=AttemptStatus.choices, source="attempt.status")
    started_at = serializers.DateTimeField(source="attempt.started_at")
    submitted_at = serializers.DateTimeField(source="attempt.submitted_at", allow_null=True)
    answers = AnswersField(source="attempt.answers")
    marks = MarksField(allow_null=True, help_text="Per question, once submitted; null while started.")
    written_scores = serializers.DictField(child=serializers.CharField(), help_text="The teacher's written marks.")
    score = score_field(source="attempt.score", allow_null=True)
    max_score = score_field()
