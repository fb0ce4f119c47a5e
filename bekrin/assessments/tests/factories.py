"""Deterministic factories for tests, keys, assignments and attempts; each row takes its test's organization."""

import factory

from bekrin.assessments.models import AttemptStatus, Test, TestAnswerKey, TestAssignment, TestAttempt, TestType
from bekrin.assessments.scoring import DEFAULT_CONFIG
from bekrin.testing.factories import SchoolRowFactory, StudentFactory, TeacherFactory


class TestFactory(SchoolRowFactory):
    __test__ = False  # a factory, not a pytest test class

    class Meta:
        model = Test

    _school_links = ("created_by",)
    created_by = factory.SubFactory(TeacherFactory)
    organization = factory.LazyAttribute(lambda test: test.created_by.organization)
    type = TestType.QUIZ
    title = factory.Sequence(lambda n: f"Riyaziyyat testi {n}")
    config = factory.LazyFunction(lambda: {**DEFAULT_CONFIG, "max_attempts": 2})


class AnswerKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TestAnswerKey

    test = factory.SubFactory(TestFactory)
    mcq_answers = factory.LazyFunction(lambda: {"1": "A", "2": "C"})
    numeric_answers = factory.LazyFunction(lambda: {"3": "2.5"})


class AssignmentFactory(SchoolRowFactory):
    class Meta:
        model = TestAssignment

    _school_links = ("test", "group", "student")
    test = factory.SubFactory(TestFactory)
    organization = factory.LazyAttribute(lambda assignment: assignment.test.organization)


class AttemptFactory(SchoolRowFactory):
    class Meta:
        model = TestAttempt

    _school_links = ("test", "student")
    test = factory.SubFactory(TestFactory)
    organization = factory.LazyAttribute(lambda attempt: attempt.test.organization)
    student = factory.SubFactory(StudentFactory, organization=factory.SelfAttribute("..organization"))
    status = AttemptStatus.STARTED
    answers = factory.LazyFunction(dict)
