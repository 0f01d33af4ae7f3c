//! Progress photos: `POST /api/v1/photos?date=YYYY-MM-DD` (a JPEG, PNG or WebP body,
//! at most [`MAX_PHOTO_BODY`]), `GET /api/v1/photos`, `GET /api/v1/photos/{id}` (the
//! image; `?size=thumbnail` for its thumbnail) and `DELETE /api/v1/photos/{id}`; the
//! owner's only, like every document. Every upload is decoded and encoded again
//! (`regimen_photos::process`), so no EXIF, GPS or device data is ever stored; its
//! record is in the database, its image and thumbnail in the photo store.

use crate::auth::Caller;
use crate::body::ApiQuery;
use crate::error::{ApiError, DocumentId};
use crate::upload::Spooled;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Local;
use regimen_core::profile::IsoDate;
use regimen_photos::{key, Size};
use regimen_store::Photo;
use serde::Deserialize;
use serde_json::{json, Value};

/// The largest upload: a phone's full-size photo.
pub const MAX_PHOTO_BODY: usize = 16 * 1024 * 1024;
/// The most photos one person keeps (two years of one a day).
pub const MAX_PHOTOS: usize = 730;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    date: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageQuery {
    size: Option<String>,
}

/// A photo's record as answered: with the addresses of its image and thumbnail.
pub fn photo_json(photo: &Photo) -> Value {
    json!({
        "id": photo.id,
        "date": photo.date,
        "width": photo.width,
        "height": photo.height,
        "bytes": photo.bytes,
        "created_at": photo.created_at,
        "url": format!("/api/v1/photos/{}", photo.id),
        "thumbnail_url": format!("/api/v1/photos/{}?size=thumbnail", photo.id),
    })
}

/// Whether `user` may add a photo of `date` of this declared type: a day that has
/// come, a photo type, room under [`MAX_PHOTOS`]; asked before the upload is read.
pub async fn may_keep(
    state: &AppState,
    user: i64,
    date: &str,
    content_type: &str,
) -> Result<IsoDate, ApiError> {
    let date = IsoDate::parse(date).map_err(|e| ApiError::invalid("date", e))?;
    if date.0 > Local::now().date_naive() + chrono::Days::new(1) {
        return Err(ApiError::invalid(
            "date",
            format!("a photo is of a day that has come: {date} is still ahead"),
        ));
    }
    regimen_photos::declared_type(content_type)?;
    if state.store().photos(user).await?.len() >= MAX_PHOTOS {
        return Err(ApiError::Quota(format!(
            "you keep {MAX_PHOTOS} photos, the most regimen stores for one person; delete some first"
        )));
    }
    Ok(date)
}

/// Keeps a photo of `user` for `date` (checked by [`may_keep`]): decoded and encoded
/// again, its record stored, then its image and thumbnail; a store that fails leaves no
/// record behind.
pub async fn keep(
    state: &AppState,
    user: i64,
    date: IsoDate,
    content_type: &str,
    upload: &Spooled,
) -> Result<Photo, ApiError> {
    let processed = state.cpu_bound(true, || {
        upload
            .bytes()
            .map(|bytes| regimen_photos::process(&bytes, content_type))
    })??;
    let photo = state
        .store()
        .create_photo(
            user,
            &date.to_string(),
            processed.width,
            processed.height,
            processed.photo.len(),
        )
        .await?;
    let photos = state.photos();
    let stored = async {
        photos
            .put(&key(user, photo.id, Size::Full), processed.photo)
            .await?;
        photos
            .put(&key(user, photo.id, Size::Thumbnail), processed.thumbnail)
            .await
    };
    if let Err(error) = stored.await {
        // What was put is taken out again; what cannot be keeps its record (logged).
        if let Err(kept) = forget(state, user, photo.id).await {
            tracing::warn!(id = photo.id, %kept, "a photo half stored is kept to be removed");
        }
        return Err(ApiError::Unavailable(error.to_string()));
    }
    Ok(photo)
}

/// Forgets one of `user`'s photos (see [`forget`]).
pub async fn forget_one(state: &AppState, user: i64, id: i64) -> Result<(), ApiError> {
    forget(state, user, id).await
}

/// Forgets a photo: its images first, then its record. When the photo store will not
/// remove an image (read-only, an outage), the record stays, so that no image is left
/// that nobody owns, and the answer is 503: asked again, it goes on where it stopped.
async fn forget(state: &AppState, user: i64, id: i64) -> Result<(), ApiError> {
    for size in [Size::Full, Size::Thumbnail] {
        state
            .photos()
            .delete(&key(user, id, size))
            .await
            .map_err(|e| ApiError::PhotosRemain(format!("photo {id}: {e}")))?;
    }
    state.store().delete_photo(user, id).await?;
    Ok(())
}

/// Removes every photo of a person's (their account or their data is going): all of
/// them, or an error and the rest kept (see [`forget`]).
pub async fn forget_all(state: &AppState, user: i64) -> Result<(), ApiError> {
    for photo in state.store().photos(user).await? {
        forget(state, user, photo.id).await?;
    }
    Ok(())
}

/// `POST /api/v1/photos?date=YYYY-MM-DD`: checked before its body is read (the day,
/// the type, the quota, the declared length, a slot), then received as it comes (see
/// `upload.rs`).
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<UploadQuery>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let date = query
        .date
        .ok_or_else(|| ApiError::invalid("date", "say the photo's day: ?date=YYYY-MM-DD"))?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let date = may_keep(&state, caller.user_id, &date, content_type).await?;
    let (_slot, upload) =
        crate::upload::receive(&state, caller.user_id, &headers, body, MAX_PHOTO_BODY).await?;
    let photo = keep(&state, caller.user_id, date, content_type, &upload).await?;
    Ok((StatusCode::CREATED, Json(photo_json(&photo))).into_response())
}

/// `GET /api/v1/photos`: the caller's photos, by date.
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let photos = state.store().photos(caller.user_id).await?;
    Ok(Json(Value::Array(photos.iter().map(photo_json).collect())))
}

/// The image of one of `user`'s photos.
pub async fn image_of(
    state: &AppState,
    user: i64,
    id: i64,
    thumbnail: bool,
) -> Result<Response, ApiError> {
    state
        .store()
        .photo(user, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let size = if thumbnail {
        Size::Thumbnail
    } else {
        Size::Full
    };
    let bytes = state
        .photos()
        .get(&key(user, id, size))
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))?
        .ok_or_else(|| ApiError::Internal(format!("photo {id} has no image in the store")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            // A photo never changes under its id; only its owner sees it.
            (header::CACHE_CONTROL, "private, max-age=86400"),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /api/v1/photos/{id}`.
pub async fn image(
    State(state): State<AppState>,
    caller: Caller,
    DocumentId(id): DocumentId,
    ApiQuery(query): ApiQuery<ImageQuery>,
) -> Result<Response, ApiError> {
    let thumbnail = match query.size.as_deref() {
        None | Some("full") => false,
        Some("thumbnail") => true,
        Some(other) => {
            return Err(ApiError::invalid(
                "size",
                format!("\"{other}\" is not a size: full or thumbnail"),
            ))
        }
    };
    image_of(&state, caller.user_id, id, thumbnail).await
}

/// `DELETE /api/v1/photos/{id}`.
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    DocumentId(id): DocumentId,
) -> Result<StatusCode, ApiError> {
    state
        .store()
        .photo(caller.user_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    forget(&state, caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
