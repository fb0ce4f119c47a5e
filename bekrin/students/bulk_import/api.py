"""POST /api/teacher/bulk-import/users: a CSV file as multipart field `file` or as a `text/csv` body."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from bekrin.accounts.api import IssuedPasswordOut
from bekrin.core.api_base import ApiView, query_params, validated
from bekrin.core.errors import DomainError, PayloadTooLarge
from bekrin.core.form_input import FormInputSerializer
from bekrin.core.parsers import JsonParser
from bekrin.core.roles import STAFF
from bekrin.students.bulk_import.planning import COLUMNS
from bekrin.students.bulk_import.reading import MAX_BYTES
from bekrin.students.bulk_import.services import users_import


class CsvBodyParser(BaseParser):
    """A `text/csv` body, handed on as bytes; reading stops one byte past the limit, so a huge body is not held."""

    media_type = "text/csv"

    # DRF's stubs expect a mapping, but request.data may be any value its parser returns; the raw bytes are the point.
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> bytes:  # type: ignore[override]
        data = stream.read(MAX_BYTES + 1) if stream is not None else b""
        if len(data) > MAX_BYTES:
            raise PayloadTooLarge(_("The file is larger than 5 MB."))
        return bytes(data)


def uploaded_csv(request: Request) -> bytes:
    if isinstance(request.data, bytes):
        return request.data
    upload = request.FILES.get("file")
    if upload is None:
        message = _("Send the CSV file as multipart field `file` or as a text/csv body.")
        raise DomainError(message, fields={"file": [message]})
    if upload.size is not None and upload.size > MAX_BYTES:
        raise PayloadTooLarge(_("The file is larger than 5 MB."))
    return bytes(upload.read())


class ImportQueryIn(serializers.Serializer):
    dry_run = serializers.BooleanField(required=False, default=False)


class ImportFileIn(FormInputSerializer):
    file = serializers.FileField(help_text="CSV, UTF-8 (with or without BOM) or UTF-16; comma, semicolon or tab")


class ImportResultOut(serializers.Serializer):
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField(help_text="Data rows read (blank rows are skipped)")
    created = serializers.IntegerField(help_text="Users created, parents from the parent columns included")
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    linked = serializers.IntegerField(
        help_text="Parent links created or given a new relation, plus group memberships added or re-activated"
    )
    passwords = IssuedPasswordOut(
        many=True, help_text="Generated initial passwords of new users who had none in the file: shown this once"
    )


IMPORT_DESCRIPTION = f"""
Columns (header row, any case, any order): `{"`, `".join(COLUMNS)}`; only `full_name` and `email` are required.
`role` is student (default), parent or teacher. `group` is a group's code, name or id (several: `Qrup1 | Qrup2`).
The parent columns find the parent by `parent_email`, or create them, and link them to the student.

Rows are matched by email: an existing user is updated (an empty cell keeps the stored value), never duplicated,
so importing the same file twice changes nothing. `password` is the initial password of a new user; without one a
password is generated and returned once in `passwords`.

Any bad row: 400 with code `invalid_rows` and `fields.rows = [{{row, column, message}}]` (the header is row 1),
and nothing is written. A file that is not text: 400 `invalid_file`. Over 5 MB or 10,000 rows: 413.
""".strip()


class UserBulkImportView(ApiView):
    """Import students, parents and teachers from a CSV file, all or nothing; `?dry_run=true` only checks it."""

    allowed_roles = STAFF
    # JSON is accepted only so that a JSON body gets a clean 400 naming `file`.
    parser_classes = (CsvBodyParser, MultiPartParser, JsonParser)

    @extend_schema(
        parameters=[OpenApiParameter("dry_run", bool, description="true: check the file and count, write nothing")],
        request={"multipart/form-data": ImportFileIn, "text/csv": OpenApiTypes.BINARY},
        responses={
            200: ImportResultOut,
            413: OpenApiResponse(description="The file is larger than 5 MB or has more than 10,000 rows"),
        },
        summary="Bulk import of users from CSV",
        description=IMPORT_DESCRIPTION,
    )
    def post(self, request: Request) -> Response:
        query = validated(self, ImportQueryIn, query_params(request, ("dry_run",)))
        result = users_import(actor=self.actor, data=uploaded_csv(request), dry_run=query["dry_run"])
        return Response(ImportResultOut(result).data)
