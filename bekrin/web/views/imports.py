"""The bulk import of students, parents and teachers from a CSV file: upload, a dry run that names every problem by
row and column (or counts what the import will create, update and link), then the import itself; the generated
passwords are shown once and offered as a CSV file for the office.

Between the dry run and the import the file waits in the media storage under a random name that includes the
user's id (`imports/<user id>-<random>.csv`), so the import reads exactly the file that was checked; it is removed
once imported. The checks and the writes are the API's own service (bekrin/students/bulk_import/services.py).
"""

import csv
import io
import re
import secrets
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from bekrin.accounts.models import User
from bekrin.core.errors import DomainError
from bekrin.core.roles import STAFF
from bekrin.students.bulk_import.planning import COLUMNS
from bekrin.students.bulk_import.reading import MAX_BYTES
from bekrin.students.bulk_import.services import users_import
from bekrin.students.services import IssuedPassword
from bekrin.web.access import for_roles, signed_in_user

STASH = re.compile(r"^[0-9a-f]{32}$")


def _stash_path(user: User, token: str) -> str:
    if not STASH.fullmatch(token):
        raise Http404
    return f"imports/{user.pk}-{token}.csv"


def _refusal(error: DomainError) -> dict:
    rows = (error.fields or {}).get("rows")
    return {"message": error.message, "rows": rows if isinstance(rows, list) else [], "fields": error.fields}


def _passwords_csv(passwords: list[IssuedPassword]) -> str:
    """A `data:` address of the passwords as a CSV file, for a download link (nothing of it is kept)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "password"])
    writer.writerows([issued.email, issued.password] for issued in passwords)
    return "data:text/csv;charset=utf-8," + quote("\ufeff" + out.getvalue())


@for_roles(STAFF)
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: the dry run of the uploaded file."""
    context: dict = {"columns": COLUMNS, "max_mb": MAX_BYTES // (1024 * 1024)}
    if request.method == "GET":
        return render(request, "web/teacher/import.html", context)
    upload = request.FILES.get("file")
    if upload is None:
        context["refusal"] = {"message": "", "rows": [], "missing": True}
        return render(request, "web/teacher/import.html", context, status=400)
    if upload.size is not None and upload.size > MAX_BYTES:
        context["refusal"] = {"message": "", "rows": [], "too_large": True}
        return render(request, "web/teacher/import.html", context, status=413)
    data = bytes(upload.read())
    try:
        checked = users_import(actor=signed_in_user(request), data=data, dry_run=True)
    except DomainError as error:
        context["refusal"] = _refusal(error)
        return render(request, "web/teacher/import.html", context, status=error.status_code)
    token = secrets.token_hex(16)
    default_storage.save(_stash_path(signed_in_user(request), token), ContentFile(data))
    context.update(checked=checked, token=token, file_name=upload.name)
    return render(request, "web/teacher/import.html", context)


@for_roles(STAFF)
@never_cache
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """The import of the file the dry run checked; the passwords of the new users are shown this once."""
    user = signed_in_user(request)
    path = _stash_path(user, request.POST.get("token", ""))
    if not default_storage.exists(path):
        raise Http404
    with default_storage.open(path, "rb") as stashed:
        data = stashed.read()
    context: dict = {"columns": COLUMNS, "max_mb": MAX_BYTES // (1024 * 1024)}
    try:
        result = users_import(actor=user, data=data, dry_run=False)
    except DomainError as error:  # someone changed the school since the dry run
        context["refusal"] = _refusal(error)
        return render(request, "web/teacher/import.html", context, status=error.status_code)
    default_storage.delete(path)
    context.update(result=result, passwords_csv=_passwords_csv(result.passwords) if result.passwords else "")
    return render(request, "web/teacher/import.html", context)
