from django.urls import path

from bekrin.attendance import api

urlpatterns = [
    path("teacher/attendance", api.TeacherAttendanceView.as_view(), name="teacher-attendance"),
    path("student/attendance", api.StudentAttendanceView.as_view(), name="student-attendance"),
]
