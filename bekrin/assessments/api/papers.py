"""The one way to a stored test paper: checked per caller, never a public or guessable file path."""

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request

from bekrin.accounts.models import User
from bekrin.assessments.models import Test
from bekrin.assessments.papers import open_paper
from bekrin.assessments.permissions import test_papers_visible_to
from bekrin.core.api_base import ApiView
from bekrin.core.errors import NotFound
from bekrin.core.roles import ANY_ROLE


class TestPaperView(ApiView):
    """A test's PDF for its school's staff, and for its students and their parents once a window opened; else 404."""

    allowed_roles = ANY_ROLE

    def visible(self, user: User) -> QuerySet[Test]:
        return test_papers_visible_to(user)

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The test.")],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The paper"),
            404: OpenApiResponse(description="No such test, out of scope, or no stored paper"),
        },
        summary="Download a test's paper",
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        test = self.get_object()
        paper = open_paper(test)
        if paper is None:
            raise NotFound(_("This test has no stored paper."))
        response = FileResponse(paper, content_type="application/pdf", filename=f"test-{test.pk}.pdf")
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
