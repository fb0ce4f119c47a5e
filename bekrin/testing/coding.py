"""Coding work for tests of the pages that show it: a topic, a task with one case, a group whose students each sent
one submission (the even ones passed)."""

from datetime import date
from typing import cast

from bekrin.accounts.models import User
from bekrin.coding.models import CodingSubmission, CodingTask, CodingTopic
from bekrin.coding.services import CaseData, task_create
from bekrin.groups.models import GroupMembership, StudyGroup
from bekrin.testing.factories import GroupFactory, MembershipFactory

CASES: list[CaseData] = [{"input": "1 2\n", "expected": "3\n"}]


def school_with_work(
    teacher: User, *, students: int = 2, name: str = "İki ədədin cəmi"
) -> tuple[CodingTopic, CodingTask, StudyGroup, list[CodingSubmission]]:
    topic = CodingTopic.objects.create(organization_id=teacher.organization_id, name="Riyaziyyat")
    task = task_create(actor=teacher, title=name, description="a+b", difficulty="easy", test_cases=CASES,
                       topic=topic, points=10)  # fmt: skip
    group = cast(StudyGroup, GroupFactory(teacher=teacher))
    submissions = []
    for index in range(students):
        student = cast(GroupMembership, MembershipFactory(group=group, joined_at=date(2026, 1, 1))).student
        submissions.append(CodingSubmission.objects.create(
            organization_id=teacher.organization_id, task=task, student=student, attempt_no=1,
            submitted_code=f"print(sum(map(int, input().split())))  # {index}",
            status="passed" if index % 2 == 0 else "failed", passed_count=1 - index % 2, failed_count=index % 2,
        ))  # fmt: skip
    return topic, task, group, submissions
