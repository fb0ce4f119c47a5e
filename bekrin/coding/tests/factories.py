"""Coding rows as the database holds them. Verdicts and progress normally come from the worker; factories that set
them directly are for reads (lists, ranking) that do not care how a verdict was reached."""

import factory

from bekrin.coding.models import (
    CodingSubmission,
    CodingTask,
    CodingTestCase,
    CodingTopic,
    Difficulty,
    SubmissionStatus,
)
from bekrin.testing.factories import SchoolRowFactory, StudentFactory, TeacherFactory

SUM_SOLUTION = "a, b = map(int, input().split())\nprint(a + b)\n"
# (input, expected, explanation): the first is a visible example, the others are hidden.
DEFAULT_CASES = [("2 3\n", "5\n", "2 + 3 = 5"), ("40 2\n", "42\n", None), ("-7 7\n", "0\n", None)]


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodingTopic

    organization = None
    name = factory.Sequence(lambda n: f"Mövzu {n}")


class TaskFactory(SchoolRowFactory):
    """A "sum of two numbers" task: one visible example and two hidden cases (see `cases`)."""

    class Meta:
        model = CodingTask
        skip_postgeneration_save = True

    _school_links = ("created_by",)
    created_by = factory.SubFactory(TeacherFactory)
    organization = factory.LazyAttribute(lambda task: task.created_by.organization)
    topic = None
    title = factory.Sequence(lambda n: f"İki ədədin cəmi {n}")
    description = "İki tam ədədin cəmini çap edin."
    starter_code = "# Kodunuzu buraya yazın\n"
    difficulty = Difficulty.EASY
    points = 10
    order_index = factory.Sequence(lambda n: n)

    @factory.post_generation
    def cases(task, create, extracted, **kwargs):
        """`cases=[(input, expected, explanation), …]`; by default 2+3 (visible) and two hidden ones."""
        if not create:
            return
        rows = extracted if extracted is not None else DEFAULT_CASES
        CodingTestCase.objects.bulk_create(
            CodingTestCase(task=task, input=i, expected=e, explanation=x, order_index=n)
            for n, (i, e, x) in enumerate(rows, start=1)
        )


class SubmissionFactory(SchoolRowFactory):
    class Meta:
        model = CodingSubmission

    _school_links = ("task", "student")
    task = factory.SubFactory(TaskFactory)
    student = factory.SubFactory(StudentFactory, organization=factory.SelfAttribute("..task.organization"))
    organization = factory.LazyAttribute(lambda submission: submission.task.organization)
    submitted_code = SUM_SOLUTION
    status = SubmissionStatus.PASSED
    passed_count = 3
    failed_count = 0
    runtime_ms = 5
    attempt_no = factory.Sequence(lambda n: n + 1)
