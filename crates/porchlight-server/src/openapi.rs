//! The OpenAPI 3.1 description of the sync API, served at /api/openapi.json. Schemas name
//! the shared protocol types (`porchlight_domain::sync`); a test checks every route the
//! router serves is described here.

use serde_json::{json, Value};

fn error_responses(codes: &[(&str, &str)]) -> Value {
    let mut m = serde_json::Map::new();
    for (status, what) in codes {
        m.insert(
            (*status).into(),
            json!({"description": what, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}}),
        );
    }
    Value::Object(m)
}

fn ok(description: &str, schema: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
}

fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
    base
}

pub fn document() -> Value {
    let auth = json!([{"bearer": []}]);
    let common = [
        (
            "401",
            "missing, unknown or revoked token (unauthorized, invalid_token)",
        ),
        ("403", "account disabled (account_disabled)"),
    ];
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Porchlight server",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Sign-in and offline-first sync for Porchlight desktops. Errors are {code, message}."
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "ApiError": {"type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}},
                "LoginRequest": {"type": "object", "required": ["email", "password"],
                    "properties": {"email": {"type": "string"}, "password": {"type": "string"}, "device_name": {"type": "string"}}},
                "LoginResponse": {"type": "object", "required": ["token", "agent", "workspace_id", "schema_version"],
                    "properties": {"token": {"type": "string"}, "agent": {"$ref": "#/components/schemas/Agent"},
                        "workspace_id": {"type": "string"}, "schema_version": {"type": "integer"}}},
                "Agent": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                    "email": {"type": "string"}, "role": {"enum": ["admin", "agent", "kb_editor"]}, "active": {"type": "boolean"},
                    "group_ids": {"type": "array", "items": {"type": "string"}}, "created_at": {"type": "integer"}}},
                "PushRequest": {"type": "object", "required": ["client_id", "schema_version", "mutations"],
                    "properties": {"client_id": {"type": "string"}, "schema_version": {"type": "integer"},
                        "workspace_id": {"type": "string", "description": "the helpdesk the desktop signed in to; another one answers 409 workspace_mismatch"},
                        "mutations": {"type": "array", "maxItems": porchlight_domain::sync::MAX_PUSH_MUTATIONS, "items": {"type": "object",
                            "required": ["id", "name", "args"],
                            "properties": {"id": {"type": "integer", "minimum": 1}, "name": {"type": "string"},
                                "args": {"type": "object", "description": "an argument the mutation does not take is refused (unknown_field, naming it)"},
                                "at": {"type": "integer"}}}}}},
                "PushResponse": {"type": "object", "properties": {"last_mutation_id": {"type": "integer"},
                    "results": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "outcome": {"enum": ["applied", "duplicate", "rejected"],
                            "description": "a retry of a refused mutation is rejected again with the same error"},
                        "version": {"type": "integer"}, "error": {"type": "object"}}}}}},
                "PullResponse": {"type": "object", "properties": {
                    "changes": {"type": "array", "items": {"type": "object", "properties": {
                        "version": {"type": "integer"}, "key": {"type": "object"}, "doc": {"type": ["object", "null"]}}}},
                    "cursor": {"type": "integer"}, "last_mutation_id": {"type": "integer"},
                    "has_more": {"type": "boolean"}, "reset": {"type": "boolean"}, "workspace_id": {"type": "string"}}},
                "PresenceUpdate": {"type": "object", "required": ["client_id", "activity"], "properties": {
                    "client_id": {"type": "string"}, "ticket_id": {"type": ["string", "null"]},
                    "activity": {"enum": ["viewing", "replying"]}}}
            }
        },
        "paths": {
            "/healthz": {"get": {"summary": "Liveness and the storage backend", "responses": {"200": {"description": "healthy"}, "503": {"description": "database unreachable"}}}},
            "/api/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}},
            "/api/v1/auth/login": {"post": {
                "summary": "Sign in with e-mail and password; returns a bearer token",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LoginRequest"}}}},
                "responses": with(json!({"200": ok("signed in", "LoginResponse")}), error_responses(&[
                    ("400", "malformed JSON (malformed_json)"),
                    ("401", "wrong e-mail or password (wrong_credentials)"),
                    ("403", "account disabled (account_disabled)"),
                    ("422", "missing or oversized fields (invalid_input, invalid_request)"),
                    ("429", "too many attempts (rate_limited), with Retry-After"),
                ]))
            }},
            "/api/v1/auth/logout": {"post": {"summary": "Revoke this token", "security": auth,
                "responses": with(json!({"204": {"description": "signed out"}}), error_responses(&common))}},
            "/api/v1/me": {"get": {"summary": "The signed-in agent", "security": auth,
                "responses": with(json!({"200": ok("the agent", "Agent")}), error_responses(&common))}},
            "/api/v1/sync/push": {"post": {
                "summary": "Apply mutations in order; replays are skipped, refusals reported per mutation",
                "security": auth,
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}}},
                "responses": with(json!({"200": ok("per-mutation outcomes", "PushResponse")}), error_responses(&[
                    common[0], common[1],
                    ("400", "malformed JSON (malformed_json)"),
                    ("409", "a mutation id was skipped (mutation_gap), a processed id came with another change (mutation_id_reused), or the server hosts another helpdesk (workspace_mismatch)"),
                    ("413", "body over the size limit (request_too_large) or too many mutations (too_many_mutations)"),
                    ("422", "unknown mutation name (unknown_mutation), an id below 1 (invalid_mutation_id) or bad fields (invalid_request, invalid_client_id)"),
                    ("426", "sync schema differs (schema_mismatch)"),
                ]))
            }},
            "/api/v1/sync/pull": {"get": {
                "summary": "Documents changed after a cursor, paged",
                "security": auth,
                "parameters": [
                    {"name": "client_id", "in": "query", "required": true, "schema": {"type": "string"}},
                    {"name": "cursor", "in": "query", "required": true, "schema": {"type": "integer"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": porchlight_domain::sync::MAX_PULL_LIMIT}},
                    {"name": "schema_version", "in": "query", "required": true, "schema": {"type": "integer"}},
                    {"name": "workspace_id", "in": "query", "schema": {"type": "string"},
                        "description": "the helpdesk the desktop signed in to; another one answers reset: true and no changes"}
                ],
                "responses": with(json!({"200": ok("a page of changes", "PullResponse")}), error_responses(&[
                    common[0], common[1],
                    ("400", "bad query (invalid_query)"),
                    ("426", "sync schema differs (schema_mismatch)"),
                ]))
            }},
            "/api/v1/events": {"get": {"summary": "Server-sent events: data-free pokes and presence lists", "security": auth,
                "responses": with(json!({"200": {"description": "text/event-stream"}}), error_responses(&common))}},
            "/api/v1/presence": {"post": {"summary": "What this desktop is doing on which ticket", "security": auth,
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PresenceUpdate"}}}},
                "responses": with(json!({"204": {"description": "recorded"}}), error_responses(&common))}}
        }
    })
}
