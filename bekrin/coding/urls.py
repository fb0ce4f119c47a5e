from django.urls import path

from bekrin.coding.api import student, teacher

urlpatterns = [
    path("teacher/coding/topics", teacher.TopicListView.as_view(), name="coding-topics"),
    path("teacher/coding/tasks", teacher.TaskListView.as_view(), name="coding-tasks"),
    path("teacher/coding/tasks/<int:pk>", teacher.TaskDetailView.as_view(), name="coding-task"),
    path("teacher/coding/tasks/<int:pk>/restore", teacher.TaskRestoreView.as_view(), name="coding-task-restore"),
    path("teacher/coding/import", teacher.TaskImportView.as_view(), name="coding-import"),
    path("teacher/coding/imports/<int:pk>", teacher.TaskImportStatusView.as_view(), name="coding-import-status"),
    path("teacher/coding/submissions", teacher.TeacherSubmissionListView.as_view(), name="coding-submissions"),
    path("teacher/coding/ranking", teacher.RankingView.as_view(), name="coding-ranking"),
    path("student/coding/tasks", student.StudentTaskListView.as_view(), name="student-coding-tasks"),
    path("student/coding/tasks/<int:pk>", student.StudentTaskDetailView.as_view(), name="student-coding-task"),
    path(
        "student/coding/tasks/<int:pk>/submissions",
        student.SubmitView.as_view(),
        name="student-coding-submit",
    ),
    path("student/coding/submissions", student.StudentSubmissionListView.as_view(), name="student-coding-submissions"),
    path(
        "student/coding/submissions/<int:pk>",
        student.StudentSubmissionDetailView.as_view(),
        name="student-coding-submission",
    ),
]
