"""Coding exercises: topics, tasks with test cases, submissions and per-student progress."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bekrin.core.models import SoftDeleteModel, TenantModel, TimeStampedModel, enum_check
from bekrin.students.models import StudentProfile


class Difficulty(models.TextChoices):
    EASY = "easy", _("Asan")
    MEDIUM = "medium", _("Orta")
    HARD = "hard", _("Çətin")


class SubmissionStatus(models.TextChoices):
    # pending/running let a submission be saved before it is judged, so it is never lost (docs/DECISIONS.md,
    # decision 4).
    PENDING = "pending", _("Gözləyir")
    RUNNING = "running", _("Yoxlanılır")
    PASSED = "passed", _("Keçdi")
    FAILED = "failed", _("Səhv cavab")
    ERROR = "error", _("Xəta")
    TIMEOUT = "timeout", _("Vaxt bitdi")


FINAL_SUBMISSION_STATUSES = (
    SubmissionStatus.PASSED,
    SubmissionStatus.FAILED,
    SubmissionStatus.ERROR,
    SubmissionStatus.TIMEOUT,
)
# Saved and not judged yet: what the requeue and the health report look for, and the predicate of the partial
# index that finds them (CodingSubmission.Meta.indexes).
UNJUDGED_SUBMISSION_STATUSES = (SubmissionStatus.PENDING, SubmissionStatus.RUNNING)


class ProgressStatus(models.TextChoices):
    ATTEMPTED = "attempted", _("Cəhd edilib")
    SOLVED = "solved", _("Həll edilib")


class CodingTopic(TenantModel):
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "coding_topic"
        ordering = ["name"]
        verbose_name = _("coding topic")
        verbose_name_plural = _("coding topics")
        constraints = [
            # NULL organization is one tenant too, so NULLs must not be distinct here.
            models.UniqueConstraint(
                fields=["organization", "name"], name="coding_topic_name_unique", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CodingTask(TenantModel, SoftDeleteModel, TimeStampedModel):
    topic = models.ForeignKey(CodingTopic, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks")
    topic_name = models.CharField(_("topic name (legacy)"), max_length=200, null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    starter_code = models.TextField(_("starter code"), blank=True, default="")
    difficulty = models.CharField(_("difficulty"), max_length=16, choices=Difficulty.choices)
    points = models.IntegerField(_("points"), null=True, blank=True)
    order_index = models.IntegerField(_("order"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "coding_task"
        ordering = [models.F("order_index").asc(nulls_last=True), "id"]
        verbose_name = _("coding task")
        verbose_name_plural = _("coding tasks")
        constraints = [
            enum_check("difficulty", Difficulty.values),
            models.CheckConstraint(condition=Q(points__gte=0), name="coding_task_points_non_negative"),
        ]

    def __str__(self) -> str:
        return self.title


class CodingTestCase(models.Model):
    task = models.ForeignKey(CodingTask, on_delete=models.CASCADE, related_name="test_cases")
    input = models.TextField(_("input"), blank=True)
    expected = models.TextField(_("expected output"), blank=True)
    # A non-empty explanation makes the case a visible example; the others stay hidden (docs/DECISIONS.md, decision 13).
    explanation = models.TextField(_("explanation"), null=True, blank=True)
    order_index = models.IntegerField(_("order"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "coding_test_case"
        ordering = [models.F("order_index").asc(nulls_last=True), "id"]
        verbose_name = _("test case")
        verbose_name_plural = _("test cases")

    def __str__(self) -> str:
        return f"{self.task.title} #{self.order_index or self.pk}"

    @property
    def is_visible(self) -> bool:
        return bool(self.explanation and self.explanation.strip())


class CodingSubmission(TenantModel):
    task = models.ForeignKey(CodingTask, on_delete=models.CASCADE, related_name="submissions")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coding_submissions")
    submitted_code = models.TextField(_("code"))
    status = models.CharField(
        _("status"), max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.PENDING
    )
    passed_count = models.IntegerField(_("passed"), null=True, blank=True)
    failed_count = models.IntegerField(_("failed"), null=True, blank=True)
    error_message = models.TextField(_("message"), null=True, blank=True)
    runtime_ms = models.IntegerField(_("runtime (ms)"), null=True, blank=True)
    attempt_no = models.IntegerField(_("attempt"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "coding_submission"
        ordering = ["-created_at", "-id"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [enum_check("status", SubmissionStatus.values)]
        # Beyond the ERD's (docs/schema/EXTENSIONS.md): the unjudged rows, a few among millions, for the requeue
        # and the health report; and a school's submissions newest first, the teachers' list.
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status__in=UNJUDGED_SUBMISSION_STATUSES),
                name="coding_submission_unjudged",
            ),
            models.Index(fields=["organization", "-created_at", "-id"], name="coding_submission_org_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.task.title} · {self.student.full_name} #{self.attempt_no}"


class CodingProgress(models.Model):
    """Seed section 6 (docs/SEED.md): one row per student and task, kept current by every verdict."""

    student_profile = models.ForeignKey(StudentProfile, on_delete=models.CASCADE, related_name="coding_progress")
    exercise = models.ForeignKey(CodingTask, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(_("status"), max_length=16, choices=ProgressStatus.choices)
    score = models.DecimalField(_("best score"), max_digits=7, decimal_places=2, null=True, blank=True)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "coding_progress"
        verbose_name = _("coding progress")
        verbose_name_plural = _("coding progress")
        constraints = [
            models.UniqueConstraint(fields=["student_profile", "exercise"], name="coding_progress_unique"),
            enum_check("status", ProgressStatus.values),
        ]

    def __str__(self) -> str:
        return f"{self.student_profile} · {self.exercise}: {self.status}"


class RankingTask(models.Model):
    """Extension table (docs/schema/EXTENSIONS.md): per school, student and task, the attempts and the first pass,
    so the ranking never reads coding_submission. Only the triggers of migration 0003_ranking_aggregates write it,
    in the transaction that changes the submissions; `coding_ranking_rebuild()` recomputes it. The ids carry no
    foreign key: the rows are a cache of coding_submission and go with its rows."""

    organization_id = models.BigIntegerField(null=True)
    student_id = models.BigIntegerField()
    task_id = models.BigIntegerField()
    attempts = models.IntegerField()
    solved_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "coding_ranking_task"
        constraints = [
            models.UniqueConstraint(
                fields=["student_id", "task_id", "organization_id"],
                name="coding_ranking_task_key",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(attempts__gt=0), name="coding_ranking_task_attempts_positive"),
        ]
        # A topic's ranking (and a task's change) reads the rows of a few tasks from this index alone.
        indexes = [
            models.Index(
                fields=["task_id", "organization_id"],
                include=["student_id", "attempts", "solved_at"],
                name="coding_ranking_task_task",
            )
        ]

    def __str__(self) -> str:
        return f"{self.student_id} · {self.task_id}: {self.attempts}"


class RankingDay(models.Model):
    """Extension table: RankingTask per Asia/Baku day of sending (docs/DECISIONS.md, decision 11), for the
    ranking's `from`/`to`: the attempts sent that day and the day's first pass."""

    organization_id = models.BigIntegerField(null=True)
    student_id = models.BigIntegerField()
    task_id = models.BigIntegerField()
    day = models.DateField()
    attempts = models.IntegerField()
    solved_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "coding_ranking_day"
        constraints = [
            models.UniqueConstraint(
                fields=["student_id", "task_id", "day", "organization_id"],
                name="coding_ranking_day_key",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(attempts__gt=0), name="coding_ranking_day_attempts_positive"),
        ]
        # The period filter reads only this index (its rows are small and an index-only scan skips the table).
        indexes = [
            models.Index(
                fields=["organization_id", "day"],
                include=["student_id", "task_id", "attempts", "solved_at"],
                name="coding_ranking_day_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.student_id} · {self.task_id} · {self.day}: {self.attempts}"


class RankingStudent(models.Model):
    """Extension table: per school and student, the whole-school ranking's figures over the tasks not deleted.
    Its row is also the lock every writer of the student's aggregates takes first (migration
    0003_ranking_aggregates), so two verdicts of one student are counted one after the other. The student's name
    and whether the student profile is live are copies kept by the triggers of migration 0005_ranking_student_names,
    so the whole-school ranking reads this table alone."""

    organization_id = models.BigIntegerField(null=True)
    student_id = models.BigIntegerField()
    attempts = models.IntegerField()
    solved_count = models.IntegerField()
    total_points = models.BigIntegerField()
    last_solved_at = models.DateTimeField(null=True)
    full_name = models.CharField(max_length=200)
    listed = models.BooleanField()

    class Meta:
        db_table = "coding_ranking_student"
        constraints = [
            models.UniqueConstraint(
                fields=["student_id", "organization_id"], name="coding_ranking_student_key", nulls_distinct=False
            ),
        ]
        indexes = [
            # The whole-school ranking's order in full (ASC is NULLS LAST), its rows only, with every column it
            # reads: an index-only scan feeds the rank in order, leaving PostgreSQL only equal scores to sort.
            models.Index(
                fields=[
                    "organization_id",
                    "-total_points",
                    "-solved_count",
                    "last_solved_at",
                    "full_name",
                    "student_id",
                ],
                include=["attempts"],
                condition=Q(listed=True, attempts__gt=0),
                name="coding_ranking_student_listed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.total_points}"


class RankingSnapshot(models.Model):
    """Extension table: per school, the whole-school ranking as the JSON the API answers (its times written in
    `zone`), so a read between two changes costs one row rather than formatting 10,000. `body` is NULL when
    stale: a trigger of migration 0006_ranking_snapshot sets it so in every transaction that changes the
    school's coding_ranking_student rows, and the next read writes it again (bekrin.coding.selectors). `version`
    is drawn at random for each body written, so that a process keeping a copy of a body reads the version rather
    than the body; a random one is never drawn again, not after a rolled-back build, a restored backup or in
    another database."""

    organization_id = models.BigIntegerField(null=True)
    zone = models.CharField(max_length=64)
    body = models.TextField(null=True)
    version = models.UUIDField(null=True)

    class Meta:
        db_table = "coding_ranking_snapshot"
        constraints = [
            models.UniqueConstraint(
                fields=["organization_id"], name="coding_ranking_snapshot_key", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}: {'stale' if self.body is None else self.zone}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Gözləyir")
    RUNNING = "running", _("Yoxlanılır")
    DONE = "done", _("İdxal edildi")
    FAILED = "failed", _("Alınmadı")


class CodingImport(TenantModel):
    """A task import whose reference solutions a judge worker checks (they are code: never run in the web
    process). The request saves it `pending`; the worker imports, or records why not in the API's error shape."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    # The request's language, so the worker's messages read as the teacher's other answers do.
    language = models.CharField(max_length=16)
    tasks = models.JSONField(_("tasks"))
    result = models.JSONField(null=True, blank=True)  # {created, updated, topics_created, task_ids}
    error = models.JSONField(null=True, blank=True)  # {status, code, message, fields?}
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "coding_import"
        verbose_name = _("task import")
        verbose_name_plural = _("task imports")
        constraints = [enum_check("status", ImportStatus.values)]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"
