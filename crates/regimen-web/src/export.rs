//! A person's data as one JSON document and back: the export, streamed a page at a
//! time (`GET /api/v1/export`, "Download all my data"), and the import that takes one
//! back, every document checked before any is stored (`POST /api/v1/import`, "Take
//! back a file"). The API's handlers and the pages both call here.

use crate::auth::Caller;
use crate::body::parse;
use crate::error::ApiError;
use crate::resources::accept_any;
use crate::AppState;
use chrono::Utc;
use regimen_store::{Collection, Imported};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One exported document: its body as stored, and when it was made and changed.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exported {
    id: i64,
    created_at: String,
    updated_at: String,
    body: Value,
    /// The plan the web pages show (one at most): an import makes it current again
    /// when the person has none.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    current: bool,
}

/// Everything stored for a person.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    version: u32,
    profiles: Vec<Exported>,
    shelf: Vec<Exported>,
    plans: Vec<Exported>,
    checkins: Vec<Exported>,
    /// The photos' records, with the addresses of their images (read when exported;
    /// an import leaves them out: the images are not in the file).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    photos: Vec<Value>,
}

fn slot(export: &mut Export, collection: Collection) -> &mut Vec<Exported> {
    match collection {
        Collection::Profile => &mut export.profiles,
        Collection::Shelf => &mut export.shelf,
        Collection::Plan => &mut export.plans,
        Collection::Checkin => &mut export.checkins,
    }
}

/// Documents read from the store per chunk of an export.
const EXPORT_PAGE: i64 = 200;

/// Where an export is: its head, a page of a collection (after a document, with
/// `written` documents of it out already), or its tail (the photos).
enum ExportAt {
    Head,
    Page {
        collection: usize,
        after: Option<(String, i64)>,
        written: bool,
    },
    Tail,
}

/// The JSON name of a collection in an export.
fn export_name(collection: Collection) -> &'static str {
    match collection {
        Collection::Profile => "profiles",
        Collection::Shelf => "shelf",
        Collection::Plan => "plans",
        Collection::Checkin => "checkins",
    }
}

/// The next chunk of a person's export, and where the one after starts (`None`: done).
async fn export_chunk(
    state: &AppState,
    user: i64,
    at: ExportAt,
) -> Result<(Vec<u8>, Option<ExportAt>), ApiError> {
    let json = |e: serde_json::Error| ApiError::Internal(e.to_string());
    match at {
        ExportAt::Head => Ok((
            b"{\"version\":1".to_vec(),
            Some(ExportAt::Page {
                collection: 0,
                after: None,
                written: false,
            }),
        )),
        ExportAt::Page {
            collection,
            after,
            written,
        } => {
            let Some(&kind) = Collection::ALL.get(collection) else {
                return Ok((Vec::new(), Some(ExportAt::Tail)));
            };
            let documents = state
                .store()
                .list_page(
                    user,
                    kind,
                    after.as_ref().map(|(key, id)| (key.as_str(), *id)),
                    EXPORT_PAGE,
                )
                .await?;
            let mut out = Vec::new();
            if !written {
                out.extend_from_slice(format!(",\n\"{}\":[", export_name(kind)).as_bytes());
            }
            for (i, document) in documents.iter().enumerate() {
                if written || i > 0 {
                    out.push(b',');
                }
                out.push(b'\n');
                let exported = Exported {
                    id: document.id,
                    created_at: document.created_at.clone(),
                    updated_at: document.updated_at.clone(),
                    body: serde_json::from_str(&document.body).map_err(json)?,
                    current: kind == Collection::Plan
                        && document.sort_key == crate::resources::CURRENT_PLAN,
                };
                serde_json::to_writer(&mut out, &exported).map_err(json)?;
            }
            let next = match documents.last() {
                Some(last) if documents.len() as i64 == EXPORT_PAGE => ExportAt::Page {
                    collection,
                    after: Some((last.sort_key.clone(), last.id)),
                    written: true,
                },
                _ => {
                    out.push(b']');
                    ExportAt::Page {
                        collection: collection + 1,
                        after: None,
                        written: false,
                    }
                }
            };
            Ok((out, Some(next)))
        }
        ExportAt::Tail => {
            let photos: Vec<Value> = state
                .store()
                .photos(user)
                .await?
                .iter()
                .map(crate::photos::photo_json)
                .collect();
            let mut out = Vec::new();
            if !photos.is_empty() {
                out.extend_from_slice(b",\n\"photos\":");
                serde_json::to_writer(&mut out, &photos).map_err(json)?;
            }
            out.extend_from_slice(b"\n}\n");
            Ok((out, None))
        }
    }
}

/// Everything stored for a person, as one JSON document (an [`Export`]) sent as it is
/// read, a page of documents at a time, so that a long history is never whole in
/// memory. A store that fails midway ends the body early: the file is then no valid
/// JSON, and an import refuses it.
pub fn export_body(state: AppState, user: i64) -> axum::body::Body {
    let chunks = futures_util::stream::unfold(Some(ExportAt::Head), move |at| {
        let state = state.clone();
        async move {
            match export_chunk(&state, user, at?).await {
                Ok((bytes, next)) => Some((Ok(bytes), next)),
                Err(error) => {
                    tracing::error!(%error, user, "an export stopped midway");
                    Some((Err(std::io::Error::other(error.to_string())), None))
                }
            }
        }
    });
    axum::body::Body::from_stream(chunks)
}

/// An export taken back (the API's import and the "Your data" page): the documents
/// stored, and those skipped as already there.
pub async fn import_bytes(
    state: &AppState,
    caller: Caller,
    bytes: &[u8],
) -> Result<(usize, usize), ApiError> {
    let mut export: Export = parse(bytes)?;
    if export.version != 1 {
        return Err(ApiError::invalid(
            "version",
            format!("unknown export version {}", export.version),
        ));
    }
    let mut checked = Vec::new();
    let mut skipped = 0usize;
    for collection in Collection::ALL {
        // What the person already has: importing the same export twice adds nothing.
        let existing = state.store().list(caller.user_id, collection).await?;
        let mut seen: std::collections::HashSet<(String, String)> = existing
            .iter()
            .map(|d| (d.body.clone(), d.created_at.clone()))
            .collect();
        let mut added = 0i64;
        let name = export_name(collection);
        // The plan that was current is current again, unless the person has one now.
        let mut may_be_current = collection == Collection::Plan
            && !existing
                .iter()
                .any(|d| d.sort_key == crate::resources::CURRENT_PLAN);
        for (index, item) in slot(&mut export, collection).drain(..).enumerate() {
            let body =
                serde_json::to_vec(&item.body).map_err(|e| ApiError::Internal(e.to_string()))?;
            let stored = accept_any(state, caller, collection, &body)
                .await
                .map_err(|error| match error {
                    ApiError::BadRequest { message, field }
                    | ApiError::Invalid { message, field } => ApiError::Invalid {
                        message,
                        field: Some(match field {
                            Some(field) => format!("{name}[{index}].body.{field}"),
                            None => format!("{name}[{index}].body"),
                        }),
                    },
                    other => other,
                })?;
            let created_at = timestamp(&item.created_at, &format!("{name}[{index}].created_at"))?;
            let updated_at = timestamp(&item.updated_at, &format!("{name}[{index}].updated_at"))?;
            if !seen.insert((stored.body.clone(), created_at.clone())) {
                skipped += 1;
                continue;
            }
            added += 1;
            let sort_key = if item.current && may_be_current {
                may_be_current = false;
                crate::resources::CURRENT_PLAN.to_string()
            } else {
                stored.sort_key
            };
            checked.push(Imported {
                collection,
                sort_key,
                body: stored.body,
                created_at,
                updated_at,
            });
        }
        let max = crate::resources::max_documents(collection);
        if existing.len() as i64 + added > max {
            return Err(ApiError::Quota(format!(
                "this import would make {} {}; regimen keeps at most {max} for one person",
                existing.len() as i64 + added,
                crate::resources::plural(collection)
            )));
        }
    }
    let count = state.store().import(caller.user_id, &checked).await?;
    Ok((count, skipped))
}

/// An RFC 3339 timestamp of an export, in UTC as the store writes them; a 422 naming
/// the field otherwise.
fn timestamp(text: &str, field: &str) -> Result<String, ApiError> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc).to_rfc3339())
        .map_err(|_| {
            ApiError::invalid(
                field,
                format!("{text:?} is not a timestamp like 2026-01-31T08:00:00Z"),
            )
        })
}
