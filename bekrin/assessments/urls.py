from django.urls import URLPattern, path

from bekrin.assessments.api import papers, student, teacher

urlpatterns: list[URLPattern] = [
    path("teacher/tests", teacher.TeacherTestListView.as_view(), name="teacher-tests"),
    path("teacher/tests/<int:pk>", teacher.TeacherTestDetailView.as_view(), name="teacher-test"),
    path("teacher/tests/<int:pk>/restore", teacher.TeacherTestRestoreView.as_view(), name="teacher-test-restore"),
    path("teacher/tests/<int:pk>/answer-key", teacher.TeacherAnswerKeyView.as_view(), name="teacher-test-answer-key"),
    path(
        "teacher/tests/<int:pk>/assignments",
        teacher.TeacherAssignmentListView.as_view(),
        name="teacher-test-assignments",
    ),
    path(
        "teacher/tests/<int:pk>/assignments/<int:assignment_id>",
        teacher.TeacherAssignmentDetailView.as_view(),
        name="teacher-test-assignment",
    ),
    path("teacher/tests/<int:pk>/attempts", teacher.TeacherTestAttemptListView.as_view(), name="teacher-test-attempts"),
    path("teacher/tests/attempts/<int:pk>", teacher.TeacherAttemptDetailView.as_view(), name="teacher-attempt"),
    path("tests/<int:pk>/pdf", papers.TestPaperView.as_view(), name="test-paper"),
    path("student/tests", student.StudentTestListView.as_view(), name="student-tests"),
    path("student/tests/<int:pk>", student.StudentTestDetailView.as_view(), name="student-test"),
    path("student/tests/<int:pk>/attempts", student.StudentAttemptStartView.as_view(), name="student-test-attempts"),
    path("student/tests/attempts", student.StudentAttemptListView.as_view(), name="student-attempts"),
    path("student/tests/attempts/<int:pk>", student.StudentAttemptDetailView.as_view(), name="student-attempt"),
    path(
        "student/tests/attempts/<int:pk>/submit",
        student.StudentAttemptSubmitView.as_view(),
        name="student-attempt-submit",
    ),
]
