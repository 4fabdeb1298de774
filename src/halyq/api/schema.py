"""The OpenAPI document's shared parts: problem responses and their examples.

`add_problem_responses` (a drf-spectacular post-processing hook) gives every operation
the error responses the API's conventions can produce, described once:
400 invalid input, 401 bad or missing token, 403 refused, 404 missing (or outside your
reach), 406 unacceptable `Accept`, 413/415 for bodies, 429 throttled with `Retry-After`,
and 304 for conditional public reads. Views add their own (409 ...) where they have them.
"""

from __future__ import annotations

PROBLEM = {
    "type": "object",
    "description": "An RFC 9457 problem document.",
    "properties": {
        "type": {"type": "string", "description": "URI reference naming the kind of problem."},
        "title": {"type": "string", "description": "Short summary of the kind, translated."},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong here, translated."},
        "code": {"type": "string", "description": "Machine-readable kind (see /api/problems/)."},
        "instance": {"type": "string", "description": "The request path."},
        "errors": {
            "type": "array",
            "description": "For invalid input: one entry per problem.",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": ["string", "null"]},
                    "code": {"type": "string"},
                    "detail": {"type": "string"},
                },
                "required": ["field", "code", "detail"],
            },
        },
    },
    "required": ["type", "title", "status", "detail", "code", "instance"],
}

EXAMPLES = {
    "400": {
        "type": "/api/problems/validation_error/",
        "title": "The request has invalid data",
        "status": 400,
        "detail": "office: Choose an open reception office.",
        "code": "validation_error",
        "instance": "/api/v1/me/appeals/",
        "errors": [
            {"field": "office", "code": "invalid", "detail": "Choose an open reception office."}
        ],
    },
    "401": {
        "type": "/api/problems/token_revoked/",
        "title": "The token has been revoked",
        "status": 401,
        "detail": "This token has been revoked.",
        "code": "token_revoked",
        "instance": "/api/v1/me/appeals/",
    },
    "403": {
        "type": "/api/problems/permission_denied/",
        "title": "This is not allowed for you",
        "status": 403,
        "detail": "You do not have permission to perform this action.",
        "code": "permission_denied",
        "instance": "/api/v1/me/appeals/",
    },
    "404": {
        "type": "/api/problems/not_found/",
        "title": "Not found",
        "status": 404,
        "detail": "Not found.",
        "code": "not_found",
        "instance": "/api/v1/persons/00000000-0000-0000-0000-000000000000/",
    },
    "406": {
        "type": "/api/problems/not_acceptable/",
        "title": "No acceptable representation",
        "status": 406,
        "detail": "Could not satisfy the request Accept header.",
        "code": "not_acceptable",
        "instance": "/api/v1/regions/",
    },
    "409": {
        "type": "/api/problems/appeal_changed/",
        "title": "The appeal was changed meanwhile",
        "status": 409,
        "detail": "The appeal was changed by someone else while you were looking at it.",
        "code": "appeal_changed",
        "instance": "/api/v1/staff/appeals/AST-2026-000123/transitions/",
    },
    "413": {
        "type": "/api/problems/body_too_large/",
        "title": "The request body is too large",
        "status": 413,
        "detail": "Send at most 2621440 bytes in one request.",
        "code": "body_too_large",
        "instance": "/api/v1/me/appeals/",
    },
    "415": {
        "type": "/api/problems/unsupported_media_type/",
        "title": "Unsupported media type",
        "status": 415,
        "detail": 'Unsupported media type "text/plain" in request.',
        "code": "unsupported_media_type",
        "instance": "/api/v1/me/appeals/",
    },
    "429": {
        "type": "/api/problems/throttled/",
        "title": "Too many requests",
        "status": 429,
        "detail": "Request was throttled. Expected available in 31 seconds.",
        "code": "throttled",
        "instance": "/api/v1/ratings/",
    },
}

DESCRIPTIONS = {
    "400": "Invalid input: a query parameter, a field, the page or the JSON body.",
    "401": "The token is missing where one is needed, invalid or revoked.",
    "403": "Not allowed (a CSRF failure for sessions, or a role that may not act).",
    "404": "Not found, or outside your reach (which is the same answer), or no such page.",
    "406": "The `Accept` header asks for something other than JSON.",
    "409": "The object changed meanwhile, or is in a state that does not allow this.",
    "413": "The body is larger than the limit (2.5 MB).",
    "415": "The body is not `application/json`.",
    "429": "Too many requests: wait `Retry-After` seconds.",
}


def _problem(code: str) -> dict:
    response = {
        "description": DESCRIPTIONS[code],
        "content": {
            "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "examples": {code: {"value": EXAMPLES[code]}},
            }
        },
    }
    if code == "429":
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before the next request.",
                "schema": {"type": "integer"},
            }
        }
    return response


def add_problem_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete", "head"):
                continue
            responses = operation.setdefault("responses", {})
            public_read = method == "get" and {} in (operation.get("security") or [])
            codes = ["400", "401", "404", "406", "429"]
            if not public_read:
                codes.append("403")
            if "requestBody" in operation:
                codes += ["413", "415"]
            for code in codes:
                responses.setdefault(code, _problem(code))
            if public_read and "200" in responses:
                responses.setdefault(
                    "304",
                    {"description": "Not modified: the `If-None-Match` ETag is current."},
                )
                responses["200"].setdefault(
                    "headers",
                    {
                        "ETag": {
                            "description": "Strong tag of the body.",
                            "schema": {"type": "string"},
                        }
                    },
                )
    return result
