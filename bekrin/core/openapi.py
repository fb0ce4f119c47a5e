"""drf-spectacular post-processing: the one error shape, documented once and referenced by every operation."""

from collections.abc import Callable
from typing import Any

from drf_spectacular.openapi import AutoSchema

from bekrin.core.errors import ERROR_CODE_MEANINGS, ErrorCode

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {
                    "type": "string",
                    "enum": [code.value for code in ErrorCode],
                    "description": "Machine-readable and stable:\n\n"
                    + "\n".join(f"- `{code}`: {ERROR_CODE_MEANINGS[code]}" for code in ErrorCode),
                },
                "message": {"type": "string", "description": "For people; Azerbaijani unless Accept-Language: en."},
                "fields": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "Per-field (or per-item) messages of a validation error.",
                },
            },
        }
    },
}

ERROR_STATUSES = {
    "400": "Invalid input",
    "401": "Not logged in, or the token is expired or revoked",
    "403": "This role may not use this endpoint",
    "404": "No such row, or it is outside the caller's scope",
    "429": "Rate limited",
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            is_public = operation.get("security") == [{}] or not operation.get("security")
            for code, description in ERROR_STATUSES.items():
                if is_public and code in ("401", "403"):
                    continue
                operation["responses"].setdefault(code, {"description": description, "content": reference})
            # Statuses only some operations answer (409, 413, 503) are declared by them without a body: it is the
            # Error.
            for code in ("409", "413", "503"):
                if code in operation["responses"]:
                    operation["responses"][code].setdefault("content", reference)
    return result


class BodyAsGivenSchema(AutoSchema):
    """Documents a request body exactly as declared: also on DELETE (docs/API.md's `DELETE …/students
    {student_ids}`), which drf-spectacular otherwise leaves without a body, and on a PATCH whose body is not a
    partial update (all its required fields stay required)."""

    def _get_request_body(self, direction: str = "request") -> Any:
        method = self.method
        self.method = "POST"  # the method whose body drf-spectacular documents as declared
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = method


def body_as_given(view_method: Callable[..., Any]) -> Callable[..., Any]:
    """Put under `@extend_schema` on a view method whose body BodyAsGivenSchema must document."""
    view_method.schema = BodyAsGivenSchema  # type: ignore[attr-defined]
    return view_method
