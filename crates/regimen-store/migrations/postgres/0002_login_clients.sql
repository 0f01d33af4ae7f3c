-- Sign-in limits per client: each attempt notes the client it came from, so a person
-- is not locked out by someone else's guesses, and one client spraying many usernames
-- is limited too. Old attempts and expired sessions are purged by time.
ALTER TABLE login_attempts ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX login_attempts_by_client ON login_attempts (client, at);
CREATE INDEX login_attempts_by_time ON login_attempts (at);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
