from django.urls import path

from bekrin.payments import api

urlpatterns = [
    path("teacher/payments", api.PaymentListView.as_view(), name="teacher-payments"),
    path("teacher/payments/<int:pk>", api.PaymentDetailView.as_view(), name="teacher-payment"),
    path("teacher/payments/<int:pk>/restore", api.PaymentRestoreView.as_view(), name="teacher-payment-restore"),
    path("student/payments", api.StudentPaymentListView.as_view(), name="student-payments"),
]
