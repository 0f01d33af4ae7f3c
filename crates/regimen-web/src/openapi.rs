//! The OpenAPI document of `/api/v1/openapi.json`, built from [`ROUTES`]: the same table
//! a test walks to check that every documented route is served (and `app` serves no
//! route the table lacks, see tests/it/openapi.rs).

use serde_json::Value;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItemBuilder,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::{
    ContentBuilder, InfoBuilder, OpenApiBuilder, PathsBuilder, Required, ResponseBuilder,
};

/// One documented route.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// HTTP method.
    pub method: &'static str,
    /// Path, with `{id}` for ids.
    pub path: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// The request body, when there is one.
    pub body: Option<&'static str>,
    /// Status and meaning of the answers.
    pub responses: &'static [(&'static str, &'static str)],
}

const ERRORS: (&str, &str) = (
    "4XX",
    "an error: {\"error\": \"...\", \"field\": \"...\"}; 503 with Retry-After when the database takes no writes or the server is busy",
);

/// Every route of the API.
pub const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        path: "/healthz",
        summary: "Liveness, with a database ping",
        body: None,
        responses: &[("200", "{\"status\": \"ok\"}")],
    },
    Route {
        method: "GET",
        path: "/api/v1/openapi.json",
        summary: "This document",
        body: None,
        responses: &[("200", "OpenAPI 3.1")],
    },
    Route {
        method: "POST",
        path: "/api/v1/plan",
        summary: "A plan for a profile (query: weeks, start); stateless, no login. On a hosted (multi-user) server a large plan (shelf products times weeks above 100) is made on the job queue for a signed-in person: the answer waits for it up to 45 s",
        body: Some("a profile: the fields of docs/product.md"),
        responses: &[
            ("200", "the plan JSON of `regimen plan --format json`"),
            (
                "202",
                "a large plan still on the queue after 45 s: its job (GET /api/v1/jobs/{id}; its result is the plan)",
            ),
            ("401", "a large plan asked without signing in"),
            ("429", "ten scans or large plans waiting already"),
            ERRORS,
        ],
    },
    Route {
        method: "GET",
        path: "/api/v1/plan.ics",
        summary: "A saved plan as an iCalendar feed (query: token)",
        body: None,
        responses: &[("200", "text/calendar"), ERRORS],
    },
    Route {
        method: "POST",
        path: "/api/v1/accounts",
        summary: "Create an account (multi-user mode)",
        body: Some("{\"username\", \"password\"}"),
        responses: &[("201", "{\"id\", \"username\"}"), ERRORS],
    },
    Route {
        method: "DELETE",
        path: "/api/v1/account",
        summary: "Delete your account and everything you stored (multi-user mode), after your password; its photos first: while the photo store refuses, nothing is deleted (503)",
        body: Some("{\"password\"}"),
        responses: &[
            ("204", "deleted: the token and the password no longer work"),
            ("422", "not your password: nothing was deleted"),
            ("429", "too many wrong passwords from here"),
            ERRORS,
        ],
    },
    Route {
        method: "POST",
        path: "/api/v1/sessions",
        summary: "Sign in: a bearer token and an HttpOnly session cookie",
        body: Some("{\"username\", \"password\"}"),
        responses: &[("201", "{\"token\", \"csrf\", \"expires_at\"}"), ERRORS],
    },
    Route {
        method: "DELETE",
        path: "/api/v1/sessions",
        summary: "Sign out",
        body: None,
        responses: &[("204", "signed out"), ERRORS],
    },
    Route {
        method: "GET",
        path: "/api/v1/profiles",
        summary: "Your profiles",
        body: None,
        responses: &[
            (
                "200",
                "[{\"id\", \"profile\", \"created_at\", \"updated_at\"}]",
            ),
            ERRORS,
        ],
    },
    Route {
        method: "POST",
        path: "/api/v1/profiles",
        summary: "Store a profile",
        body: Some("a profile"),
        responses: &[("201", "{\"id\", \"profile\", ...}"), ERRORS],
    },
    Route {
        method: "GET",
        path: "/api/v1/profiles/{id}",
        summary: "One profile",
        body: None,
        responses: &[("200", "{\"id\", \"profile\", ...}"), ERRORS],
    },
    Route {
        method: "PUT",
        path: "/api/v1/profiles/{id}",
        summary: "Replace a profile",
        body: Some("a profile"),
        responses: &[("200", "{\"id\", \"profile\", ...}"), ERRORS],
    },
    Route {
        method: "DELETE",
        path: "/api/v1/profiles/{id}",
        summary: "Delete a profile",
        body: None,
        responses: &[("204", "deleted"), ERRORS],
    },
    Route {
        method: "GET",
        path: "/api/v1/shelf",
        summary: "Your shelf, each product with its analysis",
        body: None,
        responses: &[
            (
                "200",
                "[{\"id\", \"name\", \"ingredients\", \"kind\", \"analysis\"}]",
            ),
            ERRORS,
        ],
    },
    Route {
        method: "POST",
        path: "/api/v1/shelf",
        summary: "Add a product",
        body: Some("{\"name\", \"ingredients\", \"kind\"?}"),
        responses: &[("201", "the product with its analysis"), ERRORS],
    },
    Route {
        method: "GET",
        path: "/api/v1/shelf/{id}",
        summary: "One product with its analysis",
        body: None,
        responses: &[("200", "the product"), ERRORS],
    },
    Route {
        method: "PUT",
        path: "/api/v1/shelf/{id}",
        summary: "Replace a product",
        body: Some("{\"name\", \"ingredients\", \"kind\"?}"),
        responses: &[("200", "the product"), ERRORS],
    },
    Route {
        method: "DELETE",
        path: "/api/v1/shelf/{id}",
        summary: "Remove a product",
        body: None,
        responses: &[("204", "deleted"), ERRORS],
    },
    Route {
        method: "GET",
        path: "/api/v1/plans",
        summary: "Your saved plans",
        body: None,
        responses: &[
            (
                "200",
                "[{\"id\", \"start\", \"weeks\", \"profile\", \"plan\"}]",
            ),
            ERRORS,
        ],
    },
    Route {
        method: "POST",
        path: "/api/v1/plans",
        summary: "Save a plan",
        body: Some("{\"profile_id\" | \"profile\", \"start\"?, \"weeks\"?, \"with_shelf\"?, \"experiment\"? (true: a personal experiment, its mask evenings drawn at random), \"seed\"? (0 to 2^53 - 1; default: a new one)}"),
        responses: &[("201", "the saved plan"), ERRORS],
    },
    Route {
        method: "GET",
        path: "/api/v1/plans/{id}",
        summary: "One saved plan, made again",
        body: None,
        responses: &[("200", "the saved plan"), ERRORS],
    },
    Route {
        method: "PUT",
        path: "/api/v1/plans/{id}",
        summary: "Replace a saved plan",
        body: Some("as for POST"),
        responses: &[("200", "the saved plan"), ERRORS],
    },
    Route {
        method: "DELETE",
        path: "/api/v1/plans/{id}",
        summary: "Delete a saved plan (and its feeds)",
        body: None,
        responses: &[("204", "deleted"), ERRORS],
    },
    Route {
        method: "POST",
        path: "/api/v1/plans/{id}/feed",
        summary: "A secret calendar-feed address for a saved plan",
        body: None,
        responses: &[
            (
                "201",
                "{\"token\", \"url\" (the path), \"address\" (the full address, from the server's public_url)}",
            ),
            ERRORS,
        ],
    },
    Route {
        method: "GET",
        path: "/api/v1/plans/{id}/results",
        summary: "What your check-ins say about a saved plan: masks against no mask (an experiment plan's randomization test) and the trend over the serum period, per concern rated",
        body: None,
        responses: &[
            (
                "200",
                "{\"experiment\", \"primary\", \"comparisons\": [{\"concern\", \"mask_mornings\", \"other_mornings\", \"difference\", \"interval\", \"p_value\", \"p_adjusted\", \"verdict\"}], \"trends\": [...], \"summary\", \"next\", \"caveats\", \"method\"}",
            ),
            ERRORS,
        ],
    },
    Route {
        method: "DELETE",
        path: "/api/v1/plans/{id}/feed",
        summary: "Revoke a plan's feed addresses",
        body: None,
        responses: &[("204", "revoked"), ERRORS],
    },
    Route {
        method: "POST",
        path: "/api/v1/photos",
        summary: "Add a progress photo (query: date=YYYY-MM-DD; the body an image/jpeg, image/png or image/webp of at most 16 MiB, at most 50 million pixels). It is decoded and encoded again: no EXIF, GPS or device data is kept, and it is turned upright",
        body: Some("the image's bytes"),
        responses: &[
            (
                "201",
                "{\"id\", \"date\", \"width\", \"height\", \"bytes\", \"created_at\", \"url\", \"thumbnail_url\"}",
            ),
            ("413", "larger than 16 MiB, or 730 photos kept already"),
            ("415", "not image/jpeg, image/png or image/webp"),
            ERRORS,
        ],
    },
    Route {
        method: "GET",
        path: "/api/v1/photos",
        summary: "Your progress photos, by date",
        body: None,
        responses: &[("200", "[{\"id\", \"date\", \"width\", \"height\", \"url\", \"thumbnail_url\", ...}]"), ERRORS],
    },
    Route {
        method: "GET",
        path: "/api/v1/photos/{id}",
        summary: "A photo's image (query: size=thumbnail for its thumbnail), as image/jpeg",
        body: None,
        responses: &[("200", "the JPEG"), ERRORS],
    },
    Route {
        method: "DELETE",
        path: "/api/v1/photos/{id}",
        summary: "Delete a photo and its images",
        body: None,
        responses: &[("204", "deleted"), ERRORS],
    },
    Route {
        method: "POST",
        path: "/api/v1/scans/label",
        summary: "Read a photo of a label's ingredient list, on the job queue (query: name=, the product's name, kept with the result; the body a JPEG, PNG or WebP of at most 16 MiB). Answers at once with the job; ask GET /api/v1/jobs/{id} for its end",
        body: Some("the image's bytes"),
        responses: &[
            (
                "202",
                "the job, with its address in Location: {\"id\", \"kind\": \"label\", \"state\": \"queued\", \"url\", ...}",
            ),
            ("413", "larger than 16 MiB"),
            ("415", "not image/jpeg, image/png or image/webp"),
            ("429", "two uploads on their way, or ten scans waiting already"),
            ERRORS,
        ],
    },
    Route {
        method: "POST",
        path: "/api/v1/scans/barcode",
        summary: "Read a photo of a pack's barcode, on the job queue (the body a JPEG, PNG or WebP of at most 16 MiB). Answers at once with the job",
        body: Some("the image's bytes"),
        responses: &[
            ("202", "the job, with its address in Location"),
            ("413", "larger than 16 MiB"),
            ("415", "not image/jpeg, image/png or image/webp"),
            ("429", "two uploads on their way, or ten scans waiting already"),
            ERRORS,
        ],
    },
    Route {
        method: "GET",
        path: "/api/v1/jobs/{id}",
        summary: "One of your jobs: queued, running, done (with its result: {\"barcode\": {\"code\", \"format\", \"gtin\"} or null; {\"label\": {\"text\", \"raw\", \"corrected\", \"unknown\"}}) or failed (with its error)",
        body: None,
        responses: &[
            (
                "200",
                "{\"id\", \"kind\", \"state\", \"attempts\", \"result\", \"error\", \"created_at\", \"updated_at\", \"url\"}",
            ),
            ERRORS,
        ],
    },
    Route {
        method: "GET",
        path: "/api/v1/checkins",
        summary: "Your check-ins, by date",
        body: None,
        responses: &[
            (
                "200",
                "[{\"id\", \"date\", \"steps_done\", \"ratings\", \"reactions\", \"note\"}]",
            ),
            ERRORS,
        ],
    },
    Route {
        method: "POST",
        path: "/api/v1/checkins",
        summary: "Record a check-in (one per date: a second one for a date updates the first)",
        body: Some("{\"date\", \"steps_done\", \"ratings\", \"reactions\", \"note\"}"),
        responses: &[
            ("201", "{\"id\", ...} (a new check-in)"),
            ("200", "{\"id\", ...} (the date's check-in, updated)"),
            ERRORS,
        ],
    },
    Route {
        method: "GET",
        path: "/api/v1/checkins/{id}",
        summary: "One check-in",
        body: None,
        responses: &[("200", "the check-in"), ERRORS],
    },
    Route {
        method: "PUT",
        path: "/api/v1/checkins/{id}",
        summary: "Replace a check-in",
        body: Some("as for POST"),
        responses: &[("200", "the check-in"), ERRORS],
    },
    Route {
        method: "DELETE",
        path: "/api/v1/checkins/{id}",
        summary: "Delete a check-in",
        body: None,
        responses: &[("204", "deleted"), ERRORS],
    },
    Route {
        method: "GET",
        path: "/api/v1/faq",
        summary: "A question as a person types it (query: q, at most 1,000 characters), answered from the rules that decide the plan, each sentence with its source; when not sure, confidence low and the closest questions; no login",
        body: None,
        responses: &[
            (
                "200",
                "{\"answer\", \"sources\": [{\"rule\", \"source\", \"link\"}], \"confidence\": \"high | medium | low\", \"understood\": {\"subjects\": [{\"kind\", \"id\"}], \"asks\"}, \"did_you_mean\"}",
            ),
            ERRORS,
        ],
    },
    Route {
        method: "GET",
        path: "/api/v1/catalog",
        summary: "Products of the imported Open Beauty Facts catalog by name words, brand or barcode (query: q, limit 1-50), best first; typo-tolerant, accents ignored; no login",
        body: None,
        responses: &[
            (
                "200",
                "{\"products\": [{\"code\", \"name\", \"brands\", \"kind\", \"categories\", \"lang\", \"has_ingredients\"}], \"corrected\": [{\"from\", \"to\"}], \"unknown\", \"attribution\"}",
            ),
            ERRORS,
        ],
    },
    Route {
        method: "GET",
        path: "/api/v1/catalog/{code}",
        summary: "One product of the catalog by its barcode, with its ingredient list, its analysis and its source (ODbL)",
        body: None,
        responses: &[
            (
                "200",
                "the summary's fields, \"ingredients\", \"analysis\" (as `regimen analyze --format json`), \"source\"",
            ),
            ERRORS,
        ],
    },
    Route {
        method: "GET",
        path: "/api/v1/export",
        summary: "Everything stored for you, as one document",
        body: None,
        responses: &[
            (
                "200",
                "{\"version\": 1, \"profiles\", \"shelf\", \"plans\", \"checkins\"}",
            ),
            ERRORS,
        ],
    },
    Route {
        method: "POST",
        path: "/api/v1/import",
        summary: "Take an export back (all or nothing; up to 4 MiB, 413 beyond)",
        body: Some("an export"),
        responses: &[
            (
                "201",
                "{\"imported\": n, \"skipped\": m} (documents already there are skipped)",
            ),
            ERRORS,
        ],
    },
];

fn method(name: &str) -> HttpMethod {
    match name {
        "POST" => HttpMethod::Post,
        "PUT" => HttpMethod::Put,
        "DELETE" => HttpMethod::Delete,
        _ => HttpMethod::Get,
    }
}

/// The OpenAPI document.
pub fn document() -> Value {
    let mut paths = PathsBuilder::new();
    for route in ROUTES {
        let mut operation = OperationBuilder::new().summary(Some(route.summary));
        if route.path.contains("{id}") {
            operation = operation.parameter(
                ParameterBuilder::new()
                    .name("id")
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True),
            );
        }
        if let Some(body) = route.body {
            operation = operation.request_body(Some(
                RequestBodyBuilder::new()
                    .description(Some(body))
                    .content("application/json", ContentBuilder::new().build())
                    .build(),
            ));
        }
        for (status, description) in route.responses {
            operation =
                operation.response(*status, ResponseBuilder::new().description(*description));
        }
        let item = PathItemBuilder::new()
            .operation(method(route.method), operation.build())
            .build();
        paths = paths.path(route.path, item);
    }
    let api = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("regimen")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("Face masks, serums or both: plans, profiles, shelf, saved plans and check-ins."))
                .build(),
        )
        .paths(paths.build())
        .build();
    serde_json::to_value(api).unwrap_or(Value::Null)
}
