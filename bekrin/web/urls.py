from django.urls import path

from bekrin.web.views import account, family, teacher

app_name = "web"

urlpatterns = [
    path("", account.login_page, name="login"),
    path("logout", account.logout_page, name="logout"),
    path("home", account.home, name="home"),
    path("account/password", account.password_page, name="password"),
    path("teacher/", teacher.teacher_home, name="teacher-home"),
    path("teacher/attendance", teacher.attendance_page, name="attendance"),
    path("teacher/attendance/cells", teacher.attendance_save, name="attendance-save"),
    path("student/", family.student_home, name="student-home"),
    path("parent/", family.parent_home, name="parent-home"),
    path("favicon.ico", account.favicon, name="favicon"),
    path("language", account.language, name="set_language"),
]
