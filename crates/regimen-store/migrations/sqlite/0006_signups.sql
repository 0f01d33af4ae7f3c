-- Sign-ups by client and time: a client may make a few accounts in a while, everyone a
-- bounded number; old rows are purged with the sign-in attempts.
CREATE TABLE signups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX signups_by_client ON signups (client, at);
CREATE INDEX signups_by_time ON signups (at);
