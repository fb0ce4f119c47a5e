"""The teacher's writes to tests and their answer keys; changing what grading depends on regrades."""

from __future__ import annotations

from typing import Any, TypedDict

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from bekrin.accounts.models import User
from bekrin.assessments.models import Test, TestAnswerKey, TestResult
from bekrin.assessments.papers import check_pdf, has_stored_paper, paper_url, remove_paper, store_paper
from bekrin.assessments.scoring import Scheme, build_scheme, normalize_answer_key, normalize_config
from bekrin.assessments.services.grades import NO_REGRADE, Regrade, answer_key, lock_test_for_change, regrade
from bekrin.core.errors import Conflict, DomainError, ErrorCode
from bekrin.core.models import restore, soft_delete


def _check_pdf_choice(pdf: UploadedFile[bytes] | None, pdf_url: str | None) -> None:
    if pdf is not None and pdf_url:
        problem = _("Send either a PDF file or a pdf_url, not both.")
        raise DomainError(problem, fields={"pdf_url": [problem]})


def test_create(
    *,
    author: User,
    title: str,
    type: str,
    config: object = None,
    is_active: bool = True,
    pdf_url: str = "",
    pdf: UploadedFile[bytes] | None = None,
) -> Test:
    _check_pdf_choice(pdf, pdf_url)
    normalized = normalize_config(config)
    if pdf is not None:
        check_pdf(pdf)
    with transaction.atomic():
        test: Test = Test.objects.create(
            organization_id=author.organization_id,
            created_by=author,
            type=type,
            title=title,
            config=normalized,
            is_active=is_active,
            pdf_url=pdf_url,
        )
        if pdf is not None:
            # Stored inside the transaction, as its last step: a failed write leaves no test pointing at nothing,
            # while a rollback after it (unlikely) leaves only an unreachable file.
            store_paper(test, pdf)
            test.pdf_url = paper_url(test)
            test.save(update_fields=["pdf_url"])
    return test


def _check_written_change(test: Test, scheme: Scheme) -> None:
    """A written question added after attempts were marked would leave them graded without a mark for it."""
    written = {str(question.number) for question in scheme.written}
    results = TestResult.objects.filter(attempt__test=test).values_list("written_scores", flat=True)
    unmarked = sorted({number for scores in results for number in written - set(scores)}, key=int)
    if unmarked:
        raise Conflict(
            _("Questions %(numbers)s cannot become written questions: attempts were already graded without them.")
            % {"numbers": ", ".join(unmarked)},
            code=ErrorCode.WRITTEN_QUESTIONS_LOCKED,
        )


def _grading_settings(config: dict[str, Any] | None) -> tuple[Any, Any]:
    config = config or {}
    return config.get("question_weights") or {}, config.get("written_questions") or []


class TestChanges(TypedDict, total=False):
    """The fields a PATCH may change; a key that is absent (or None) stays as it is."""

    title: str | None
    type: str | None
    is_active: bool | None
    config: object
    pdf_url: str | None
    pdf: UploadedFile[bytes] | None


def test_update(*, test: Test, changes: TestChanges) -> tuple[Test, Regrade]:
    """Changes the given fields; new weights or written questions regrade the test's closed attempts, and the
    answer says how (the one update service that answers more than the row)."""
    title, type, is_active = changes.get("title"), changes.get("type"), changes.get("is_active")
    config, pdf_url, pdf = changes.get("config"), changes.get("pdf_url"), changes.get("pdf")
    _check_pdf_choice(pdf, pdf_url)
    if pdf is not None:
        check_pdf(pdf)
    with transaction.atomic():
        test = lock_test_for_change(test.pk)
        regrade_needed = False
        if config is not None:
            normalized = normalize_config(config, base=test.config)
            key = answer_key(test)
            keyed = set(key.mcq_answers) | set(key.numeric_answers) if key else set()
            clash = sorted({str(n) for n in normalized["written_questions"]} & keyed, key=int)
            if clash:
                problem = _("Questions %(numbers)s already have an answer in the key.") % {"numbers": ", ".join(clash)}
                raise DomainError(problem, fields={"config": {"written_questions": [problem]}})
            _check_written_change(test, build_scheme(normalized, {}, {}))
            regrade_needed = _grading_settings(normalized) != _grading_settings(test.config)
            test.config = normalized
        if title is not None and title != test.title:
            test.title = title
            TestResult.objects.filter(attempt__test=test).update(test_name=title)
        if type is not None:
            test.type = type
        if is_active is not None:
            test.is_active = is_active
        if pdf is not None:
            store_paper(test, pdf)
            test.pdf_url = paper_url(test)
        elif pdf_url is not None and pdf_url != test.pdf_url:
            if has_stored_paper(test):
                remove_paper(test)
            test.pdf_url = pdf_url
        test.save()
        return test, (regrade(test) if regrade_needed else NO_REGRADE)


def test_delete(*, test: Test) -> Test:
    return soft_delete(Test, test.pk, lock=lock_test_for_change)


def test_restore(*, test: Test) -> Test:
    return restore(Test, test.pk, lock=lock_test_for_change)


def answer_key_save(
    *,
    test: Test,
    mcq_answers: object,
    numeric_answers: object,
    written_instructions: str | None = None,
) -> tuple[TestAnswerKey, Regrade]:
    """Replaces the key; when its answers changed, every submitted and graded attempt is graded again."""
    with transaction.atomic():
        test = lock_test_for_change(test.pk)
        mcq, numeric = normalize_answer_key(
            mcq_answers=mcq_answers,
            numeric_answers=numeric_answers,
            written_questions=(test.config or {}).get("written_questions") or [],
        )
        key = answer_key(test) or TestAnswerKey(test=test)
        changed = key.pk is None or key.mcq_answers != mcq or key.numeric_answers != numeric
        key.mcq_answers, key.numeric_answers, key.written_instructions = mcq, numeric, written_instructions
        key.save()
        return key, (regrade(test) if changed else NO_REGRADE)
