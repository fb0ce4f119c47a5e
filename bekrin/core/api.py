from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from bekrin.core.selectors import health_report
from bekrin.core.views import PublicApiView


class HealthView(PublicApiView):
    """Liveness for load balancers and operators: the database and the judge queue."""

    @extend_schema(
        responses={
            200: inline_serializer(
                "Health",
                {
                    "status": serializers.CharField(),
                    "database": serializers.CharField(),
                    "queue": serializers.CharField(),
                },
            ),
            503: inline_serializer(
                "HealthFailing",
                {
                    "status": serializers.CharField(),
                    "database": serializers.CharField(),
                    "queue": serializers.CharField(),
                },
            ),
        },
    )
    def get(self, request: Request) -> Response:
        report = health_report()
        healthy = report["status"] == "ok"
        return Response(report, status=status.HTTP_200_OK if healthy else status.HTTP_503_SERVICE_UNAVAILABLE)
