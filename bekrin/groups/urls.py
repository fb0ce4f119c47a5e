from django.urls import path

from bekrin.groups import api

urlpatterns = [
    path("teacher/groups", api.GroupListView.as_view(), name="teacher-groups"),
    path("teacher/groups/<int:pk>", api.GroupDetailView.as_view(), name="teacher-group"),
    path("teacher/groups/<int:pk>/restore", api.GroupRestoreView.as_view(), name="teacher-group-restore"),
    path("teacher/groups/<int:pk>/students", api.GroupStudentsView.as_view(), name="teacher-group-students"),
    path(
        "teacher/groups/<int:pk>/students/<int:student_id>",
        api.GroupStudentView.as_view(),
        name="teacher-group-student",
    ),
]
