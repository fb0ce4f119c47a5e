"""Quizzes and exams: a PDF paper, its answer key, assignments, attempts and result summaries.

The seed's Django app was called `tests`; it is `assessments` here so it cannot shadow test packages
(docs/DECISIONS.md, decision 2), while the tables keep the seed's names.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bekrin.core.models import SoftDeleteModel, TenantModel, TimeStampedModel, enum_check
from bekrin.groups.models import StudyGroup
from bekrin.students.models import StudentProfile


class TestType(models.TextChoices):
    QUIZ = "quiz", _("Quiz")
    EXAM = "exam", _("İmtahan")


class QuestionType(models.TextChoices):
    MCQ = "mcq", _("Çoxseçimli")
    NUMERIC = "numeric", _("Rəqəmli")
    WRITTEN = "written", _("Yazılı")


class AttemptStatus(models.TextChoices):
    STARTED = "started", _("Başlanıb")
    SUBMITTED = "submitted", _("Təhvil verilib")
    GRADED = "graded", _("Qiymətləndirilib")


class Test(TenantModel, SoftDeleteModel, TimeStampedModel):
    __test__ = False  # a model, not a pytest test class

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    type = models.CharField(_("type"), max_length=16, choices=TestType.choices)
    title = models.CharField(_("title"), max_length=200)
    pdf_url = models.TextField(_("PDF address"), blank=True, default="")
    config = models.JSONField(_("settings"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "test"
        ordering = ["-created_at", "-id"]
        verbose_name = _("test")
        verbose_name_plural = _("tests")
        constraints = [enum_check("type", TestType.values)]

    def __str__(self) -> str:
        return self.title


class TestAnswerKey(TimeStampedModel):
    __test__ = False

    test = models.OneToOneField(Test, on_delete=models.CASCADE, related_name="answer_key")
    mcq_answers = models.JSONField(_("MCQ answers"), default=dict, blank=True)  # {"1": "A"}
    numeric_answers = models.JSONField(_("numeric answers"), default=dict, blank=True)  # {"11": "25"}
    written_instructions = models.TextField(_("written instructions"), null=True, blank=True)

    class Meta:
        db_table = "test_answer_key"
        verbose_name = _("answer key")
        verbose_name_plural = _("answer keys")

    def __str__(self) -> str:
        return f"{self.test.title}: {len(self.mcq_answers)} MCQ, {len(self.numeric_answers)} numeric"


class TestAssignment(TenantModel):
    __test__ = False

    test = models.ForeignKey(Test, on_delete=models.CASCADE, related_name="assignments")
    group = models.ForeignKey(
        StudyGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="test_assignments"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="test_assignments"
    )
    available_from = models.DateTimeField(_("available from"), null=True, blank=True)
    available_to = models.DateTimeField(_("available to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "test_assignment"
        verbose_name = _("test assignment")
        verbose_name_plural = _("test assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=False) | Q(student__isnull=False), name="test_assignment_target"
            ),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_to__isnull=True)
                | Q(available_from__lt=models.F("available_to")),
                name="test_assignment_window_order",
            ),
        ]

    def __str__(self) -> str:
        target = self.group.display_name if self.group else (self.student.full_name if self.student else "?")
        return f"{self.test.title} → {target}"


class TestAttempt(TenantModel):
    __test__ = False

    test = models.ForeignKey(Test, on_delete=models.CASCADE, related_name="attempts")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="test_attempts")
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.STARTED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "test_attempt"
        ordering = ["-started_at", "-id"]
        verbose_name = _("test attempt")
        verbose_name_plural = _("test attempts")
        constraints = [enum_check("status", AttemptStatus.values)]
        indexes = [
            # The teacher's attempts list (bekrin.assessments.selectors.test_attempts) walks a test's newest attempts
            # and stops at the page; by test_id alone it joined and sorted every attempt of the test.
            models.Index(F("test"), F("started_at").desc(), F("id").desc(), name="test_attempt_test_order"),
        ]

    def __str__(self) -> str:
        return f"{self.test.title} · {self.student.full_name} ({self.get_status_display()})"


class TestResult(models.Model):
    """Seed section 6 (docs/SEED.md; legacy/summary): one row per graded attempt, for dashboards and reports."""

    __test__ = False

    student_profile = models.ForeignKey(StudentProfile, on_delete=models.CASCADE, related_name="test_results")
    group = models.ForeignKey(StudyGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    attempt = models.OneToOneField(TestAttempt, on_delete=models.CASCADE, null=True, blank=True, related_name="result")
    test_name = models.CharField(_("test"), max_length=200)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2)
    max_score = models.DecimalField(_("max score"), max_digits=8, decimal_places=2)
    date = models.DateField(_("date"))
    # Beyond the seed (docs/schema/erd.json lets test_result take extra columns): the teacher's marks for written
    # questions, {"21": "2"}. MCQ and numeric marks follow from the answers and the key; these are the part of a
    # grade that cannot.
    written_scores = models.JSONField(_("written marks"), default=dict, blank=True)

    class Meta:
        db_table = "test_result"
        ordering = ["-date", "-id"]
        verbose_name = _("test result")
        verbose_name_plural = _("test results")

    def __str__(self) -> str:
        return f"{self.test_name}: {self.score}/{self.max_score}"
