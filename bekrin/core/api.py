from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from bekrin.core.api_base import PublicApiView
from bekrin.core.errors import DomainError, ErrorCode
from bekrin.core.selectors import HealthStatus, PartState, health_report, readiness_problem


def _states(*states: PartState) -> list[str]:
    return [str(state) for state in states]


HealthOut = inline_serializer(
    "Health",
    {
        "status": serializers.ChoiceField(choices=_states(*HealthStatus), help_text="`error` when any part is down"),
        "database": serializers.ChoiceField(choices=_states(PartState.OK, PartState.UNREACHABLE, PartState.BUSY)),
        "queue": serializers.ChoiceField(
            choices=_states(PartState.OK, PartState.NOT_MIGRATED, PartState.UNKNOWN),
            help_text="The job queue's tables; `unknown` when the database is down",
        ),
        "judge": serializers.ChoiceField(
            choices=_states(
                PartState.OK, PartState.NO_WORKERS, PartState.UNREACHABLE, PartState.BUSY, PartState.UNKNOWN
            ),
            help_text="`no workers`: no judge worker wrote a heartbeat in the last minute, so nothing is judged",
        ),
        "judge_workers": serializers.IntegerField(
            allow_null=True, min_value=0, help_text="Workers seen in the last minute; null when not checked"
        ),
        "oldest_pending_seconds": serializers.IntegerField(
            allow_null=True, min_value=0, help_text="How long the oldest pending submission has waited; null when none"
        ),
    },
)
StatusOk = inline_serializer("StatusOk", {"status": serializers.ChoiceField(choices=[HealthStatus.OK.value])})


class NotReady(DomainError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = ErrorCode.NOT_READY


class HealthView(PublicApiView):
    """For operators and monitors: every part the deployment needs, 503 when one is down (the judge included)."""

    @extend_schema(responses={200: HealthOut, 503: HealthOut})
    def get(self, request: Request) -> Response:
        report = health_report()
        healthy = report["status"] == HealthStatus.OK
        return Response(report, status=status.HTTP_200_OK if healthy else status.HTTP_503_SERVICE_UNAVAILABLE)


class LivenessView(PublicApiView):
    """For a supervisor's liveness probe: the process answers. Touches no database, so a database outage does not
    get healthy web servers restarted."""

    @extend_schema(responses={200: StatusOk})
    def get(self, request: Request) -> Response:
        return Response({"status": HealthStatus.OK})


class ReadinessView(PublicApiView):
    """For a balancer: this web server can serve (database reachable, migrated, the queue's tables present).
    The judge workers do not decide it; `/api/health` reports them."""

    @extend_schema(
        responses={
            200: StatusOk,
            503: OpenApiResponse(description="`not_ready` (the message says which part), or `busy`"),
        }
    )
    def get(self, request: Request) -> Response:
        problem = readiness_problem()
        if problem is not None:
            raise NotReady(problem)
        return Response({"status": HealthStatus.OK})


class ApiIndexView(PublicApiView):
    """`GET /api/`: where to start, for a person or a client that found the server."""

    @extend_schema(
        responses=inline_serializer(
            "ApiIndex",
            {
                "name": serializers.CharField(),
                "docs": serializers.CharField(help_text="Interactive documentation"),
                "schema": serializers.CharField(help_text="The OpenAPI 3 schema"),
                "health": serializers.CharField(),
                "login": serializers.CharField(help_text="POST an email and password for a bearer token"),
            },
        )
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "name": "Bekrin API",
                "docs": reverse("docs"),
                "schema": reverse("schema"),
                "health": reverse("health"),
                "login": reverse("auth-login"),
            }
        )
