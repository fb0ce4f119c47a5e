"""drf-spectacular post-processing: the one error shape, documented once and referenced by every operation."""

from typing import Any

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
                    "description": "Machine-readable: invalid, invalid_credentials, not_authenticated, "
                    "authentication_failed, permission_denied, not_found, conflict, too_large, throttled, "
                    "too_many_attempts, server_error, …",
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
    return result
