from django.contrib import admin

from bekrin.attendance.models import AttendanceRecord
from bekrin.core.admin import FoldedSearchAdmin


@admin.register(AttendanceRecord)
class AttendanceRecordAdmin(FoldedSearchAdmin):
    read_only = True  # cells are saved through the attendance grid's service, which locks the group
    list_display = ("lesson_date", "student", "group", "status", "marked_by", "marked_at")
    list_filter = ("status", "group", ("lesson_date", admin.DateFieldListFilter))
    search_fields = ("student__full_name", "group__display_name", "note")
    date_hierarchy = "lesson_date"
    list_select_related = ("student", "group", "marked_by")
    raw_id_fields = ("student", "group", "marked_by")
