from django.urls import path

from bekrin.students import api
from bekrin.students.bulk_import.api import UserBulkImportView

urlpatterns = [
    path("teacher/students", api.StudentListView.as_view(), name="teacher-students"),
    path("teacher/students/<int:pk>", api.StudentDetailView.as_view(), name="teacher-student"),
    path("teacher/students/<int:pk>/restore", api.StudentRestoreView.as_view(), name="teacher-student-restore"),
    path("teacher/students/<int:pk>/hard", api.StudentHardDeleteView.as_view(), name="teacher-student-hard"),
    path("teacher/students/<int:pk>/parents", api.StudentParentsView.as_view(), name="teacher-student-parents"),
    path("teacher/parents", api.ParentListView.as_view(), name="teacher-parents"),
    path("teacher/parents/<int:pk>", api.ParentDetailView.as_view(), name="teacher-parent"),
    path("teacher/bulk-import/users", UserBulkImportView.as_view(), name="teacher-bulk-import-users"),
]
