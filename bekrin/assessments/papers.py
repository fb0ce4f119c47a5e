"""Test papers: checking that an upload is a real PDF, and keeping it where only the API can hand it out.

Papers go through Django's storage API (`STORAGES["default"]`: the local MEDIA_ROOT folder unless configured
otherwise) under a name derived from the test, `test-papers/<organization id or "default">/<test id>.pdf`. Nothing
serves MEDIA_ROOT over HTTP; the only way to a paper is `GET /api/tests/{id}/pdf`, which checks who is asking.
"""

from __future__ import annotations

from typing import IO

import pypdf
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from bekrin.assessments.models import Test
from bekrin.core.errors import DomainError, ErrorCode, PayloadTooLarge

MAX_PDF_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def check_pdf(upload: UploadedFile[bytes]) -> None:
    """Refuses an upload over 20 MB (413) or one that is not a PDF: the magic bytes, then a parse with pages."""
    if upload.size is not None and upload.size > MAX_PDF_BYTES:
        problem = _("The PDF is larger than %(mb)s MB.") % {"mb": MAX_PDF_BYTES // (1024 * 1024)}
        raise PayloadTooLarge(problem, fields={"pdf": [problem]})
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    problem = _("The file is not a PDF.")
    if head != PDF_MAGIC:
        raise DomainError(problem, code=ErrorCode.INVALID_PDF, fields={"pdf": [problem]})
    upload.seek(0)
    try:
        readable = len(pypdf.PdfReader(upload).pages) > 0
    # A damaged file can fail anywhere inside the parser, with many exception types; all mean "not a usable PDF".
    except Exception:
        readable = False
    finally:
        upload.seek(0)
    if not readable:
        problem = _("The PDF is damaged or has no pages.")
        raise DomainError(problem, code=ErrorCode.INVALID_PDF, fields={"pdf": [problem]})


def paper_name(test: Test) -> str:
    return f"test-papers/{test.organization_id or 'default'}/{test.pk}.pdf"


def paper_url(test: Test) -> str:
    """What `pdf_url` holds for a stored paper: the protected download endpoint's path."""
    return reverse("test-paper", kwargs={"pk": test.pk})


def has_stored_paper(test: Test) -> bool:
    return test.pdf_url == paper_url(test)


def store_paper(test: Test, upload: UploadedFile[bytes]) -> None:
    """Writes the paper under the test's name, replacing an earlier one (callers hold the test's row lock)."""
    name = paper_name(test)
    if default_storage.exists(name):
        default_storage.delete(name)
    stored = default_storage.save(name, upload)
    if stored != name:  # a storage that renames on collision would leave the endpoint serving the old paper
        default_storage.delete(stored)
        raise RuntimeError(f"storage saved the paper as {stored!r} instead of {name!r}")


def remove_paper(test: Test) -> None:
    default_storage.delete(paper_name(test))


def open_paper(test: Test) -> IO[bytes] | None:
    """The stored paper opened for reading, or None when the test has none (no upload, or an external pdf_url)."""
    name = paper_name(test)
    if not has_stored_paper(test) or not default_storage.exists(name):
        return None
    return default_storage.open(name, "rb")
