namespace Downstream.Server.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema as numbered migrations, applied in order at start under an advisory lock so
/// nodes starting together do not race. Types mirror the SQLite schema (integers as bigint, times as
/// Unix milliseconds) so both backends share their row mappings. Never edit a released step: add one.
/// </summary>
public static class PostgresSchema
{
    /// <summary>Any fixed number: the key of the advisory lock that serialises migrations.</summary>
    public const long MigrationLock = 0x646f776e73747265;

    public static readonly IReadOnlyList<(int Version, string Sql)> Migrations =
    [
        (1, """
            CREATE TABLE settings (
                key text PRIMARY KEY,
                value text NOT NULL);

            CREATE TABLE accounts (
                id text PRIMARY KEY,
                created bigint NOT NULL);

            CREATE TABLE api_tokens (
                id text PRIMARY KEY,
                secret_hash bytea NOT NULL UNIQUE,
                account_id text NOT NULL REFERENCES accounts(id),
                can_write bigint NOT NULL,
                name text NOT NULL,
                created bigint NOT NULL,
                revoked bigint);

            CREATE TABLE users (
                email text PRIMARY KEY,
                key_hash bytea NOT NULL,
                created bigint NOT NULL);

            CREATE TABLE memberships (
                email text NOT NULL REFERENCES users(email) ON DELETE CASCADE ON UPDATE CASCADE,
                account_id text NOT NULL REFERENCES accounts(id),
                PRIMARY KEY (email, account_id));

            CREATE TABLE videos (
                uid text PRIMARY KEY,
                account_id text NOT NULL REFERENCES accounts(id),
                state text NOT NULL,
                pct_complete double precision NOT NULL DEFAULT 0,
                error_reason_code text,
                error_reason_text text,
                duration double precision NOT NULL DEFAULT -1,
                width bigint NOT NULL DEFAULT -1,
                height bigint NOT NULL DEFAULT -1,
                size bigint NOT NULL DEFAULT 0,
                meta text NOT NULL DEFAULT '{}',
                name text,
                creator text,
                require_signed_urls bigint NOT NULL DEFAULT 0,
                allowed_origins text NOT NULL DEFAULT '[]',
                thumbnail_timestamp_pct double precision NOT NULL DEFAULT 0,
                scheduled_deletion bigint,
                max_duration_seconds bigint NOT NULL DEFAULT -1,
                source_url text,
                media text,
                created bigint NOT NULL,
                modified bigint NOT NULL,
                uploaded bigint,
                ready_at bigint);
            CREATE INDEX videos_by_account ON videos(account_id, created, uid);
            CREATE INDEX videos_by_deletion ON videos(scheduled_deletion) WHERE scheduled_deletion IS NOT NULL;

            CREATE TABLE downloads (
                video_uid text NOT NULL REFERENCES videos(uid) ON DELETE CASCADE,
                type text NOT NULL,
                status text NOT NULL,
                percent_complete double precision NOT NULL DEFAULT 0,
                error_text text,
                job_id text NOT NULL,
                size bigint,
                created bigint NOT NULL,
                modified bigint NOT NULL,
                PRIMARY KEY (video_uid, type));

            CREATE TABLE jobs (
                id text PRIMARY KEY,
                kind text NOT NULL,
                video_uid text NOT NULL REFERENCES videos(uid) ON DELETE CASCADE,
                download_type text,
                attempts bigint NOT NULL DEFAULT 0,
                lease_owner text,
                lease_expires bigint,
                available_at bigint NOT NULL,
                created bigint NOT NULL,
                FOREIGN KEY (video_uid, download_type) REFERENCES downloads(video_uid, type) ON DELETE CASCADE);
            CREATE INDEX jobs_ready ON jobs(available_at, created);

            CREATE SEQUENCE change_seq;
            CREATE FUNCTION notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('downstream_changes', nextval('change_seq')::text);
                RETURN NULL;
            END $$;
            CREATE TRIGGER settings_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
            CREATE TRIGGER accounts_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
            CREATE TRIGGER api_tokens_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_tokens FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
            CREATE TRIGGER users_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
            CREATE TRIGGER memberships_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON memberships FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
            CREATE TRIGGER videos_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON videos FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
            CREATE TRIGGER downloads_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON downloads FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
            """),
        (2, """
            ALTER TABLE jobs ADD COLUMN claim_id text;
            CREATE INDEX jobs_by_kind ON jobs(kind, available_at, created);
            """),
        (3, """
            CREATE TABLE signing_keys (
                id text PRIMARY KEY,
                account_id text NOT NULL REFERENCES accounts(id),
                public_key text NOT NULL,
                private_key text,
                is_internal bigint NOT NULL DEFAULT 0,
                created bigint NOT NULL);
            CREATE INDEX signing_keys_by_account ON signing_keys(account_id, is_internal, created);
            CREATE UNIQUE INDEX signing_keys_one_internal ON signing_keys(account_id) WHERE is_internal = 1;
            CREATE TRIGGER signing_keys_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON signing_keys FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
            """),
        (4, """
            CREATE TABLE direct_uploads (
                video_uid text PRIMARY KEY REFERENCES videos(uid) ON DELETE CASCADE,
                secret_hash bytea NOT NULL,
                expires bigint NOT NULL,
                state text NOT NULL,
                claimed_at bigint);
            CREATE INDEX direct_uploads_open ON direct_uploads(state, expires);
            """),
        (5, """
            CREATE TABLE tus_uploads (
                video_uid text PRIMARY KEY REFERENCES videos(uid) ON DELETE CASCADE,
                upload_length bigint NOT NULL,
                upload_offset bigint NOT NULL,
                metadata text,
                secret_hash bytea,
                expires bigint NOT NULL,
                slide_ms bigint NOT NULL,
                state text NOT NULL,
                lock_id text,
                locked_until bigint);
            CREATE INDEX tus_uploads_open ON tus_uploads(state, expires);
            """),
        (6, """
            CREATE TABLE webhooks (
                account_id text PRIMARY KEY REFERENCES accounts(id),
                notification_url text NOT NULL,
                secret text NOT NULL,
                download_events bigint NOT NULL,
                modified bigint NOT NULL);
            CREATE TABLE webhook_events (
                id text PRIMARY KEY,
                account_id text NOT NULL,
                event text NOT NULL,
                video_uid text NOT NULL,
                payload text NOT NULL,
                created bigint NOT NULL,
                attempts bigint NOT NULL,
                next_attempt bigint NOT NULL,
                lease_until bigint,
                delivered bigint,
                last_error text);
            CREATE INDEX webhook_events_due ON webhook_events(delivered, next_attempt);
            """),
        (7, """
            ALTER TABLE downloads ADD COLUMN sha256 text;
            ALTER TABLE downloads ADD COLUMN mode text;
            ALTER TABLE downloads ADD COLUMN eta_seconds double precision;
            ALTER TABLE downloads ADD COLUMN error_code text;
            ALTER TABLE downloads ADD COLUMN ready_at bigint;
            """),
    ];
}
