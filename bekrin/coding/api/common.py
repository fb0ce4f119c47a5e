"""Serializers and helpers both the teacher's and the student's coding endpoints use."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from bekrin.coding.models import CodingSubmission, CodingTask, CodingTestCase, CodingTopic
from bekrin.core.serializers import PersonRefOut

TASK_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The task.")
SUBMISSION_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The submission.")


class TopicBriefOut(serializers.ModelSerializer):
    class Meta:
        model = CodingTopic
        fields = ["id", "name"]
        read_only_fields = fields


class TaskBriefOut(serializers.ModelSerializer):
    class Meta:
        model = CodingTask
        fields = ["id", "title"]
        read_only_fields = fields


class ExampleOut(serializers.ModelSerializer):
    """A visible test case (its explanation is not empty): the only kind a student ever receives."""

    class Meta:
        model = CodingTestCase
        fields = ["id", "input", "expected", "explanation", "order_index"]
        read_only_fields = fields


class SubmissionOut(serializers.ModelSerializer):
    """A submission as its student sees it. `error_message` is the judge's sentence for a beginner; for a visible
    example that failed it goes on with that case's input, expected and actual output. A hidden case is only
    counted in `passed_count`/`failed_count` and named by number, never shown."""

    task = TaskBriefOut()
    total_count = serializers.SerializerMethodField()

    class Meta:
        model = CodingSubmission
        fields = [
            "id",
            "task_id",
            "task",
            "attempt_no",
            "status",
            "passed_count",
            "failed_count",
            "total_count",
            "runtime_ms",
            "error_message",
            "submitted_code",
            "created_at",
        ]
        read_only_fields = fields

    def get_total_count(self, submission: CodingSubmission) -> int | None:
        if submission.passed_count is None or submission.failed_count is None:
            return None
        return submission.passed_count + submission.failed_count


class TeacherSubmissionOut(SubmissionOut):
    student = PersonRefOut()

    class Meta(SubmissionOut.Meta):
        fields = [*SubmissionOut.Meta.fields[:3], "student_id", "student", *SubmissionOut.Meta.fields[3:]]
        read_only_fields = fields
