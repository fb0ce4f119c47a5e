"""Fixtures of the assessments tests: papers in a temporary folder, real PDFs, and a class with an open test."""

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from bekrin.assessments.models import Test, TestAnswerKey, TestAssignment
from bekrin.assessments.scoring import DEFAULT_CONFIG
from bekrin.assessments.tests.factories import AnswerKeyFactory, AssignmentFactory, TestFactory
from bekrin.groups.models import StudyGroup
from bekrin.testing.factories import GroupFactory, MembershipFactory


@pytest.fixture(autouse=True)
def paper_storage(settings, tmp_path):
    """Papers are written under a temporary MEDIA_ROOT, never into the project's var/ folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "paper.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class Classroom:
    """The main school's teacher gives a group with personas.student in it a test that is open now.

    Key: 1 → A, 2 → C (weight 2), 3 → 2.5 (numeric); max score 4; two attempts of 30 minutes each.
    """

    group: StudyGroup
    test: Test
    key: TestAnswerKey
    assignment: TestAssignment


@pytest.fixture
def classroom(personas) -> Classroom:
    group = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=group, student=personas.student)
    test = TestFactory(
        created_by=personas.teacher,
        config={**DEFAULT_CONFIG, "max_attempts": 2, "time_limit_minutes": 30, "question_weights": {"2": 2}},
    )
    key = AnswerKeyFactory(test=test)
    now = timezone.now()
    assignment = AssignmentFactory(
        test=test, group=group, available_from=now - timedelta(hours=1), available_to=now + timedelta(days=1)
    )
    return Classroom(group=group, test=test, key=key, assignment=assignment)
