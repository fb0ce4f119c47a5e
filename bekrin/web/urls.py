from django.urls import path

from bekrin.web.views import account, family, groups, parents, payments, students, teacher

app_name = "web"

urlpatterns = [
    path("", account.login_page, name="login"),
    path("logout", account.logout_page, name="logout"),
    path("home", account.home, name="home"),
    path("account/password", account.password_page, name="password"),
    path("teacher/", teacher.teacher_home, name="teacher-home"),
    path("teacher/attendance", teacher.attendance_page, name="attendance"),
    path("teacher/attendance/cells", teacher.attendance_save, name="attendance-save"),
    path("teacher/groups", groups.group_list, name="groups"),
    path("teacher/groups/new", groups.group_form, name="group-new"),
    path("teacher/groups/display-name", groups.group_display_name, name="group-display-name"),
    path("teacher/groups/<int:pk>", groups.group_page, name="group"),
    path("teacher/groups/<int:pk>/edit", groups.group_form, name="group-edit"),
    path("teacher/groups/<int:pk>/members", groups.group_members_add, name="group-members-add"),
    path("teacher/groups/<int:pk>/members/<int:student_id>/end", groups.group_member_end, name="group-member-end"),
    path("teacher/groups/<int:pk>/delete", groups.group_delete, name="group-delete"),
    path("teacher/groups/<int:pk>/restore", groups.group_restore_page, name="group-restore"),
    path("teacher/students", students.student_list, name="students"),
    path("teacher/students/new", students.student_new, name="student-new"),
    path("teacher/students/<int:pk>", students.student_page, name="student"),
    path("teacher/students/<int:pk>/edit", students.student_edit, name="student-edit"),
    path("teacher/students/<int:pk>/delete", students.student_delete, name="student-delete"),
    path("teacher/students/<int:pk>/restore", students.student_restore_page, name="student-restore"),
    path("teacher/students/<int:pk>/erase", students.student_erase, name="student-erase"),
    path("teacher/students/<int:pk>/password", students.student_password_reset, name="student-password"),
    path("teacher/parents", parents.parent_list, name="parents"),
    path("teacher/parents/<int:pk>", parents.parent_page, name="parent"),
    path("teacher/parents/<int:pk>/password", parents.parent_password_reset, name="parent-password"),
    path("teacher/payments", payments.payment_list, name="payments"),
    path("teacher/payments/new", payments.payment_new, name="payment-new"),
    path("teacher/payments/<int:pk>", payments.payment_receipt, name="payment-receipt"),
    path("teacher/payments/<int:pk>/delete", payments.payment_delete_page, name="payment-delete"),
    path("teacher/payments/<int:pk>/restore", payments.payment_restore_page, name="payment-restore"),
    path("student/", family.student_home, name="student-home"),
    path("parent/", family.parent_home, name="parent-home"),
    path("favicon.ico", account.favicon, name="favicon"),
    path("language", account.language, name="set_language"),
]
