//! The OpenAPI 3.1 description of the sync API, served at /api/openapi.json. Schemas name
//! the shared protocol types (`porchlight_domain::sync`); a test checks every route the
//! router serves is described here, and `cargo xtask fuzz-api` that the answers match.

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

/// What every endpoint that reads a JSON body may answer before its handler runs.
const JSON_BODY_ERRORS: [(&str, &str); 5] = [
    ("400", "malformed JSON (malformed_json)"),
    (
        "408",
        "the body arrived too slowly (body_timeout); the connection is closed",
    ),
    ("413", "body over the size limit (request_too_large)"),
    (
        "415",
        "the body is not declared as JSON (expected_json): send Content-Type: application/json",
    ),
    (
        "422",
        "a field is missing or has the wrong type (invalid_request), or a value is out of range (invalid_input, invalid_client_id)",
    ),
];

const STORAGE_DOWN: (&str, &str) = (
    "503",
    "the database is unreachable (storage_unavailable); try again shortly",
);

/// The error answers of a JSON endpoint: the body errors, then `specific` (which may
/// restate a status with a more precise description).
fn json_endpoint_errors(specific: &[(&str, &str)]) -> Value {
    let mut all: Vec<(&str, &str)> = JSON_BODY_ERRORS.to_vec();
    for s in specific {
        all.retain(|(status, _)| status != &s.0);
        all.push(*s);
    }
    error_responses(&all)
}

/// A client id or attachment id as the handlers check it: 1–64 letters, digits or dashes.
fn short_id_schema() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9-]+$"})
}

fn schema_version_schema() -> Value {
    json!({"type": "integer", "minimum": 1, "maximum": u32::MAX,
        "description": format!("The sync schema the desktop speaks; this server speaks {}, any other answers 426.", porchlight_domain::sync::SCHEMA_VERSION)})
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

/// The query parameters every report takes.
fn report_parameters(extra: &[Value]) -> Value {
    let names = |all: &[&str]| all.join(", ");
    let channels = names(
        &porchlight_domain::Channel::ALL
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
    );
    let priorities = names(
        &porchlight_domain::Priority::ALL
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>(),
    );
    // A date or UTC milliseconds, as the handler reads them.
    let instant =
        json!({"type": "string", "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,15})$"});
    let list = |name: &str, what: &str| {
        json!({"name": name, "in": "query", "schema": {"type": "string"},
        "description": format!("{what}, comma-separated; only tickets with one of them")})
    };
    let mut p = vec![
        json!({"name": "from", "in": "query", "required": true, "schema": instant.clone(),
            "description": "the period's first day (YYYY-MM-DD, from midnight in tz) or UTC milliseconds"}),
        json!({"name": "to", "in": "query", "required": true, "schema": instant,
            "description": format!("the first day after the period (YYYY-MM-DD) or UTC milliseconds; at most {} days after from",
                porchlight_domain::reports::MAX_REPORT_DAYS)}),
        json!({"name": "tz", "in": "query", "schema": {"type": "string", "default": "UTC"},
            "description": "an IANA time zone: where days begin"}),
        json!({"name": "business_hours", "in": "query", "schema": {"type": "boolean", "default": false},
            "description": "count spans within the business calendar of each ticket's SLA policy"}),
        list("group", "group ids"),
        list("agent", "assignee agent ids"),
        list("channel", &format!("channels ({channels})")),
        list("mailbox", "mailbox ids (of the ticket's first e-mail)"),
        list("priority", &format!("priorities ({priorities})")),
        list("tag", "tags"),
        list("language", "customer languages (BCP-47)"),
        json!({"name": "format", "in": "query", "schema": {"enum": ["json", "csv"], "default": "json"}}),
    ];
    p.extend(extra.iter().cloned());
    Value::Array(p)
}

fn report_path(
    summary: &str,
    json_schema: &str,
    csv: &str,
    extra: &[Value],
    common: &[(&str, &str)],
) -> Value {
    json!({"get": {"summary": summary, "security": [{"bearer": []}],
        "parameters": report_parameters(extra),
        "responses": with(json!({"200": {"description": "the report; with format=csv a CSV file (RFC 4180, a header line)",
            "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{json_schema}")}},
                "text/csv": {"schema": {"type": "string", "description": csv}}}}}),
            error_responses(&[common[0], common[1], common[2],
                ("400", "a parameter is missing or of the wrong type, or unknown (invalid_query)"),
                ("422", "a bad date, time zone, period, channel, priority, format or line kind (invalid_input)")]))}})
}

pub fn document() -> Value {
    let mut doc = base_document();
    let (schemas, paths) = reports();
    merge(&mut doc["components"]["schemas"], schemas);
    merge(&mut doc["paths"], paths);
    merge(&mut doc["paths"], updates());
    doc
}

/// Desktop updates (`releases.rs`): public, like the help center; the files are signed.
fn updates() -> Value {
    let segment = |name: &str, what: &str| {
        json!({"name": name, "in": "path", "required": true, "description": what,
            "schema": {"type": "string", "minLength": 1, "maxLength": 100}})
    };
    let not_found = json!({"description": "this server serves no updates, or no such file (no_releases, not_found)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}});
    json!({
        "/api/v1/updates/{os}/{arch}/{bundle}/{current}": {"get": {
            "summary": "The newest desktop release for a platform, when it is newer than the desktop's version",
            "parameters": [segment("os", "linux, windows or darwin"), segment("arch", "x86_64, aarch64, …"),
                segment("bundle", "deb, rpm, nsis, msi, app"), segment("current", "the desktop's version")],
            "responses": {
                "200": {"description": "an update", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["version", "notes", "pub_date", "url", "signature"],
                    "properties": {"version": {"type": "string"}, "notes": {"type": "string"},
                        "pub_date": {"type": "string"}, "url": {"type": "string"},
                        "signature": {"type": "string", "description": "minisign signature (base64) of the file"}}}}}},
                "204": {"description": "no newer release for this platform"},
                "404": not_found.clone(),
                "500": {"description": "the releases directory cannot be read"}}}},
        "/api/v1/updates/files/{version}/{file}": {"get": {
            "summary": "An installer listed in the releases",
            "parameters": [segment("version", "a release's version"), segment("file", "the installer's file name")],
            "responses": {
                "200": {"description": "the file", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                "404": not_found,
                "500": {"description": "the releases directory cannot be read"}}}}
    })
}

fn merge(target: &mut Value, more: Value) {
    if let (Some(t), Value::Object(m)) = (target.as_object_mut(), more) {
        t.extend(m);
    }
}

/// The reports' schemas and paths.
fn reports() -> (Value, Value) {
    let common = COMMON;
    let schemas = json!({
                "Share": {"type": "object", "required": ["n", "of"], "properties": {"n": {"type": "integer"}, "of": {"type": "integer"}}},
                "Spans": {"type": "object", "required": ["count"], "properties": {"count": {"type": "integer"},
                    "median_ms": {"type": ["integer", "null"]}, "p90_ms": {"type": ["integer", "null"]}}},
                "ReportTotals": {"type": "object", "description": "A period's figures; the README defines each",
                    "properties": {"created": {"type": "integer"}, "solved": {"type": "integer"}, "reopened": {"type": "integer"},
                        "backlog": {"type": "integer"}, "first_response": {"$ref": "#/components/schemas/Spans"},
                        "resolution": {"$ref": "#/components/schemas/Spans"}, "replies_per_solved": {"type": ["number", "null"]},
                        "one_touch": {"$ref": "#/components/schemas/Share"}, "reopen_rate": {"$ref": "#/components/schemas/Share"},
                        "sla_first_response": {"$ref": "#/components/schemas/Share"}, "sla_resolution": {"$ref": "#/components/schemas/Share"},
                        "csat": {"$ref": "#/components/schemas/Share"},
                        "nps": {"type": "object", "properties": {"promoters": {"type": "integer"}, "passives": {"type": "integer"}, "detractors": {"type": "integer"}}},
                        "ces_sum": {"type": "integer"}, "ces_count": {"type": "integer"}}},
                "ReportOverview": {"type": "object", "required": ["current", "previous", "days", "arrivals"], "properties": {
                    "current": {"$ref": "#/components/schemas/ReportTotals"}, "previous": {"$ref": "#/components/schemas/ReportTotals"},
                    "days": {"type": "array", "items": {"type": "object", "properties": {"day": {"type": "string"}, "start": {"type": "integer"},
                        "created": {"type": "integer"}, "solved": {"type": "integer"}, "reopened": {"type": "integer"}, "backlog": {"type": "integer"}}}},
                    "arrivals": {"type": "array", "items": {"type": "integer"}, "description": "new tickets per weekday (Monday first) × hour: 168 counts"},
                    "nps_scores": {"type": "array", "items": {"type": "integer"}}, "ces_scores": {"type": "array", "items": {"type": "integer"}},
                    "csat_scores": {"type": "array", "items": {"type": "integer"}},
                    "comments": {"type": "array", "items": {"type": "object", "properties": {"ticket_id": {"type": "string"},
                        "ticket_number": {"type": ["integer", "null"]}, "subject": {"type": "string"}, "customer_name": {"type": "string"},
                        "kind": {"enum": ["csat", "ces", "nps"]}, "score": {"type": "integer"}, "comment": {"type": "string"}, "at": {"type": "integer"}}}}}},
                "PeopleTable": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": ["string", "null"]},
                    "name": {"type": "string"}, "solved": {"type": "integer"}, "replies": {"type": "integer"},
                    "first_response_median_ms": {"type": ["integer", "null"]}, "resolution_median_ms": {"type": ["integer", "null"]},
                    "one_touch": {"$ref": "#/components/schemas/Share"}, "csat": {"$ref": "#/components/schemas/Share"}}}},
                "TicketReportLines": {"type": "array", "items": {"type": "object", "properties": {
                    "ticket_id": {"type": "string"}, "number": {"type": ["integer", "null"]}, "subject": {"type": "string"},
                    "channel": {"type": "string"}, "priority": {"type": "string"}, "group_id": {"type": ["string", "null"]},
                    "assignee_id": {"type": ["string", "null"]}, "language": {"type": "string"}, "created_at": {"type": "integer"},
                    "first_response_at": {"type": ["integer", "null"]}, "first_response_ms": {"type": ["integer", "null"]},
                    "solved_at": {"type": ["integer", "null"]}, "resolution_ms": {"type": ["integer", "null"]},
                    "agent_replies": {"type": "integer"}, "reopens": {"type": "integer"}, "first_contact_resolution": {"type": "boolean"},
                    "sla_first_response": {"enum": ["met", "breached", null]}, "sla_resolution": {"enum": ["met", "breached", null]},
                    "csat": {"type": ["integer", "null"]}, "ces": {"type": ["integer", "null"]}, "nps": {"type": ["integer", "null"]}}}}
    });
    let paths = json!({
            "/api/v1/reports/overview": report_path(
                "The overview of a period compared with the one before: volume, speed, quality, satisfaction, tickets per day, arrivals per weekday and hour, comments",
                "ReportOverview", "day,created,solved,reopened,backlog per day", &[], &common),
            "/api/v1/reports/people": report_path(
                "The people table of a period: per agent (assignee) or group, tickets solved, replies, median first response and resolution, first-contact resolution, CSAT",
                "PeopleTable", "one line per agent or group",
                &[json!({"name": "by", "in": "query", "schema": {"enum": ["agent", "group"], "default": "agent"}})], &common),
            "/api/v1/reports/tickets": report_path(
                "Every ticket created, first answered or solved in the period, with its figures (for BI tools)",
                "TicketReportLines", "one line per ticket; instants in UTC milliseconds", &[], &common)
    });
    (schemas, paths)
}

/// What every signed-in endpoint may answer.
const COMMON: [(&str, &str); 3] = [
    (
        "401",
        "missing, unknown or revoked token (unauthorized, invalid_token), or a session that ran out (session_expired)",
    ),
    ("403", "account disabled (account_disabled)"),
    STORAGE_DOWN,
];

fn base_document() -> Value {
    let auth = json!([{"bearer": []}]);
    let common = COMMON;
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Porchlight server",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Sign-in and offline-first sync for Porchlight desktops, and reports for BI tools. Errors are {code, message}."
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "ApiError": {"type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}},
                "LoginRequest": {"type": "object", "required": ["email", "password"],
                    "properties": {"email": {"type": "string", "minLength": 1, "maxLength": 254,
                            "description": "Compared trimmed and in lower case; at most 254 bytes."},
                        "password": {"type": "string", "minLength": 1, "maxLength": crate::auth::MAX_PASSWORD_BYTES,
                            "description": "At most this many bytes in UTF-8."},
                        "device_name": {"type": "string", "description": "Shown in the session list; cut to 100 characters."}}},
                "LoginResponse": {"type": "object", "required": ["token", "agent", "workspace_id", "schema_version"],
                    "properties": {"token": {"type": "string"}, "agent": {"$ref": "#/components/schemas/Agent"},
                        "workspace_id": {"type": "string"}, "schema_version": {"type": "integer"}}},
                "Agent": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                    "email": {"type": "string"}, "role": {"enum": ["admin", "agent", "kb_editor"]}, "active": {"type": "boolean"},
                    "group_ids": {"type": "array", "items": {"type": "string"}}, "created_at": {"type": "integer"}}},
                "PushRequest": {"type": "object", "required": ["client_id", "schema_version", "mutations"],
                    "properties": {"client_id": short_id_schema(), "schema_version": schema_version_schema(),
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
                "ServerEvent": {"oneOf": [
                    {"type": "object", "required": ["type", "version"], "properties": {
                        "type": {"const": "poke"}, "version": {"type": "integer", "description": "-1 when this stream missed events: pull"}}},
                    {"type": "object", "required": ["type", "entries"], "properties": {
                        "type": {"const": "presence"}, "entries": {"type": "array", "items": {"type": "object",
                            "required": ["agent_id", "agent_name", "client_id", "ticket_id", "activity"], "properties": {
                                "agent_id": {"type": "string"}, "agent_name": {"type": "string"}, "client_id": {"type": "string"},
                                "ticket_id": {"type": "string"}, "activity": {"enum": ["viewing", "replying"]}}}}}}]},
                "AttachmentMeta": {"type": "object",
                    "required": ["id", "filename", "mime", "size", "sha256", "ticket_id", "message_id", "created_at"],
                    "properties": {"id": {"type": "string"}, "filename": {"type": "string"}, "mime": {"type": "string"},
                        "size": {"type": "integer"}, "sha256": {"type": "string"}, "ticket_id": {"type": "string"},
                        "message_id": {"type": "string"}, "created_at": {"type": "integer"}}},
                "PresenceUpdate": {"type": "object", "required": ["client_id", "activity"], "properties": {
                    "client_id": short_id_schema(), "ticket_id": {"type": ["string", "null"], "minLength": 1, "maxLength": 64},
                    "activity": {"enum": ["viewing", "replying"]}}}
            }
        },
        "paths": {
            "/healthz": {"get": {"summary": "Liveness and the storage backend",
                "responses": with(json!({"200": {"description": "healthy", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["status", "backend", "workspace_version", "schema_version"],
                    "properties": {"status": {"const": "ok"}, "backend": {"enum": ["sqlite", "postgres"]},
                        "workspace_version": {"type": "integer"}, "schema_version": {"type": "integer"}}}}}}}),
                    error_responses(&[STORAGE_DOWN]))}},
            "/api/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}},
            "/api/v1/auth/login": {"post": {
                "summary": "Sign in with e-mail and password; returns a bearer token",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LoginRequest"}}}},
                "responses": with(json!({"200": ok("signed in", "LoginResponse")}), with(json_endpoint_errors(&[
                    ("401", "wrong e-mail or password (wrong_credentials)"),
                    ("403", "account disabled (account_disabled)"),
                    ("422", "missing, empty or oversized fields (invalid_input, invalid_request)"),
                    ("503", "too many password checks at once (busy), with Retry-After; or the database is unreachable (storage_unavailable)"),
                ]), json!({"429": {"description": "too many attempts for the account or from the address (rate_limited)",
                    "headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}}})))
            }},
            "/api/v1/auth/logout": {"post": {"summary": "Revoke this token", "security": auth,
                "responses": with(json!({"204": {"description": "signed out"}}), error_responses(&common))}},
            "/api/v1/me": {"get": {"summary": "The signed-in agent", "security": auth,
                "responses": with(json!({"200": ok("the agent", "Agent")}), error_responses(&common))}},
            "/api/v1/me/email": {"post": {"summary": "Change your own e-mail address, confirmed with your password", "security": auth,
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["password", "email"],
                    "properties": {"password": {"type": "string"}, "email": {"type": "string"}}}}}},
                "responses": with(json!({"200": ok("the agent with the new address", "Agent")}), json_endpoint_errors(&[
                    common[0],
                    ("403", "wrong password (wrong_password) or account disabled (account_disabled)"),
                    ("409", "another agent uses the address (conflict)"),
                    ("422", "not an e-mail address (invalid_input), or a field is missing or has the wrong type (invalid_request)"),
                    ("429", "too many wrong passwords (rate_limited), with Retry-After"),
                    ("503", "too many password checks at once (busy), with Retry-After; or the database is unreachable (storage_unavailable)"),
                ]))}},
            "/api/v1/users/{agent_id}/sessions": {
                "parameters": [{"name": "agent_id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "get": {"summary": "Admins: an agent's signed-in devices", "security": auth,
                    "responses": with(json!({"200": {"description": "{sessions: [{device_name, created_at, last_used_at, expired}]}"}}), error_responses(&[
                        common[0], common[2], ("403", "not an admin (forbidden) or account disabled (account_disabled)"), ("404", "no such account (not_found)"),
                    ]))},
                "delete": {"summary": "Admins: sign every device of an agent out (their event streams close)", "security": auth,
                    "responses": with(json!({"200": {"description": "{ended: number of sessions ended}"}}), error_responses(&[
                        common[0], common[2], ("403", "not an admin (forbidden) or account disabled (account_disabled)"), ("404", "no such account (not_found)"),
                    ]))}},
            "/api/v1/sync/push": {"post": {
                "summary": "Apply mutations in order; replays are skipped, refusals reported per mutation",
                "security": auth,
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}}},
                "responses": with(json!({"200": ok("per-mutation outcomes", "PushResponse")}), json_endpoint_errors(&[
                    common[0],
                    ("403", "account disabled (account_disabled) or the client id belongs to another agent (client_not_yours)"),
                    ("409", "a mutation id was skipped (mutation_gap), a processed id came with another change (mutation_id_reused), or the server hosts another helpdesk (workspace_mismatch)"),
                    ("413", "body over the size limit (request_too_large) or too many mutations (too_many_mutations)"),
                    ("422", "unknown mutation name (unknown_mutation), an id below 1 (invalid_mutation_id), ids not consecutive or bad fields (invalid_request, invalid_client_id)"),
                    ("426", "sync schema differs (schema_mismatch)"),
                    STORAGE_DOWN,
                ]))
            }},
            "/api/v1/sync/pull": {"get": {
                "summary": "Documents changed after a cursor, paged",
                "security": auth,
                "parameters": [
                    {"name": "client_id", "in": "query", "required": true, "schema": short_id_schema()},
                    {"name": "cursor", "in": "query", "required": true, "schema": {"type": "integer", "format": "int64",
                        "description": "A cursor this server did not give (negative or ahead) answers a reset from 0."}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": porchlight_domain::sync::MAX_PULL_LIMIT}},
                    {"name": "schema_version", "in": "query", "required": true, "schema": schema_version_schema()},
                    {"name": "workspace_id", "in": "query", "schema": {"type": "string"},
                        "description": "the helpdesk the desktop signed in to; another one answers reset: true and no changes"}
                ],
                "responses": with(json!({"200": ok("a page of changes", "PullResponse")}), error_responses(&[
                    common[0], common[2],
                    ("403", "account disabled (account_disabled) or another agent's client id (client_not_yours)"),
                    ("400", "a parameter is missing or not a number (invalid_query)"),
                    ("422", "client_id is not 1–64 letters, digits or dashes (invalid_client_id)"),
                    ("426", "sync schema differs (schema_mismatch)"),
                ]))
            }},
            "/api/v1/events": {"get": {"summary": "Server-sent events: data-free pokes and presence lists; ends when the session is revoked or runs out", "security": auth,
                "responses": with(json!({"200": {"description": "an event stream that stays open; each event's data is a ServerEvent in JSON",
                    "content": {"text/event-stream": {"schema": {"type": "object", "required": ["data"], "properties": {
                        "event": {"type": "string"},
                        "data": {"type": "string", "contentMediaType": "application/json",
                            "contentSchema": {"$ref": "#/components/schemas/ServerEvent"}}}}}}}}), error_responses(&[
                    common[0], common[1], common[2],
                    ("429", "this session already has 4 streams open (too_many_streams), with Retry-After"),
                ]))}},
            "/api/v1/attachments/{id}": {
                "get": {"summary": "A stored file's bytes (customers' files and colleagues' uploads)", "security": auth,
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": with(json!({"200": {"description": "the file, with its type when it is a known safe one",
                        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}}}), error_responses(&[
                        common[0], common[1], common[2],
                        ("404", "no attachment has this id (not_found)"),
                    ]))},
                "put": {"summary": "Store a file an agent attached; its name in x-filename (URI-encoded)", "security": auth,
                    "parameters": [
                        {"name": "id", "in": "path", "required": true, "schema": short_id_schema()},
                        {"name": "x-filename", "in": "header", "schema": {"type": "string"}}
                    ],
                    "requestBody": {"required": true, "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}},
                    "responses": with(json!({
                        "204": {"description": "stored (or already stored with the same bytes)"},
                        "413": {"description": "over 25 MB (attachment_too_large); over the body limit the answer is plain text",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}},
                                "text/plain": {"schema": {"type": "string"}}}}
                    }), error_responses(&[
                        common[0], common[1], common[2],
                        ("408", "the body arrived too slowly (body_timeout); the connection is closed"),
                        ("409", "another file is stored under this id (attachment_exists)"),
                        ("422", "the id is not 1–64 letters, digits or dashes (invalid_attachment_id)"),
                    ]))}
            },
            "/api/v1/attachments/{id}/meta": {"get": {"summary": "Where a stored file belongs, for filing it before fetching", "security": auth,
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": with(json!({"200": ok("the file's description", "AttachmentMeta")}), error_responses(&[
                    common[0], common[1], common[2],
                    ("404", "no attachment has this id (not_found)"),
                ]))}},
            "/api/v1/presence": {"post": {"summary": "What this desktop is doing on which ticket", "security": auth,
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PresenceUpdate"}}}},
                "responses": with(json!({"204": {"description": "recorded"}}), json_endpoint_errors(&[
                    common[0], common[2],
                    ("403", "account disabled (account_disabled) or another agent's client id (client_not_yours)"),
                    ("429", "presence from 8 desktops of yours already (too_many_clients) or a full list (presence_full)"),
                    ("422", "a field is missing or has the wrong type (invalid_request), client_id is not 1–64 letters, digits or dashes (invalid_client_id), or ticket_id is empty or longer than 64 (invalid_input)"),
                ]))}}
        }
    })
}
