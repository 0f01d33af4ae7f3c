-- Progress photos: what the person said of each (its date) and what it is; the images
-- themselves are kept in the photo store, by owner and id.
CREATE TABLE photos (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX photos_owner ON photos (user_id, date, id);
