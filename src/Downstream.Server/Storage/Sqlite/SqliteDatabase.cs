using System.Data.Common;
using Dapper;
using Downstream.Server.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Downstream.Server.Storage.Sqlite;

/// <summary>
/// Opens connections to the SQLite file and creates its schema. WAL lets readers run beside the
/// one writer; the busy timeout makes writers queue instead of failing under load.
/// </summary>
public sealed class SqliteDatabase : ISqlDatabase
{
    private readonly string _connectionString;

    public SqliteDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    private const int BusyTimeoutMilliseconds = 30_000;

    public string Path { get; }

    public SqlDialect Dialect => SqlDialect.Sqlite;

    /// <summary>Nothing to do: SQLite's own change counter (<see cref="SqliteChangeStamp"/>) sees every commit.</summary>
    public void Changed()
    {
    }

    async Task<DbConnection> ISqlDatabase.OpenAsync(CancellationToken cancellationToken) => await OpenAsync(cancellationToken);

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);

        // SQLite's own busy wait, set through the native handle: a PRAGMA per open costs a statement on
        // the hot path, and without it Microsoft.Data.Sqlite retries a busy database by sleeping 150 ms.
        SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, BusyTimeoutMilliseconds);
        return connection;
    }

    /// <summary>
    /// Brings the schema to the newest version, one numbered step at a time, each in a transaction that also
    /// sets <c>PRAGMA user_version</c>. A data folder from before versions existed (version 0 with tables) is
    /// version 1. Returns the versions applied now.
    /// </summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL;", cancellationToken: cancellationToken));
        var version = await connection.ExecuteScalarAsync<long>(new CommandDefinition("PRAGMA user_version", cancellationToken: cancellationToken));
        if (version == 0 && await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'videos'", cancellationToken: cancellationToken)) > 0)
        {
            version = 1;
        }

        var applied = new List<int>();
        foreach (var (number, sql) in Migrations.Where(m => m.Version > version))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                $"{sql}\nPRAGMA user_version = {number};", transaction: transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            applied.Add(number);
        }

        return applied;
    }

    /// <summary>The schema's steps. Never edit a released step: add one. PostgreSQL has its own list in the same shape.</summary>
    public static readonly IReadOnlyList<(int Version, string Sql)> Migrations =
    [
        (1, SchemaV1),
        (2, """
            -- Claims are fenced by an id of their own, not by the node that made them.
            ALTER TABLE jobs ADD COLUMN claim_id TEXT;
            CREATE INDEX jobs_by_kind ON jobs(kind, available_at, created);
            -- E-mails are kept in lower case, so lookups and memberships agree whatever the case sent.
            PRAGMA defer_foreign_keys = ON;
            UPDATE OR IGNORE users SET email = lower(trim(email));
            DELETE FROM users WHERE email <> lower(trim(email));
            UPDATE OR IGNORE memberships SET email = lower(trim(email));
            DELETE FROM memberships WHERE email <> lower(trim(email));
            """),
        (3, """
            -- Signing keys: the public half of the keys users made, and each account's own key of the server
            -- (internal, private half kept) for tokens made by POST .../token without a key.
            CREATE TABLE signing_keys (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts(id),
                public_key TEXT NOT NULL,
                private_key TEXT,
                is_internal INTEGER NOT NULL DEFAULT 0,
                created INTEGER NOT NULL);
            CREATE INDEX signing_keys_by_account ON signing_keys(account_id, is_internal, created);
            CREATE UNIQUE INDEX signing_keys_one_internal ON signing_keys(account_id) WHERE is_internal = 1;
            """),
        (4, """
            -- Direct creator uploads: a one-time capability (its hash) to upload the file of a pendingupload video.
            CREATE TABLE direct_uploads (
                video_uid TEXT PRIMARY KEY REFERENCES videos(uid) ON DELETE CASCADE,
                secret_hash BLOB NOT NULL,
                expires INTEGER NOT NULL,
                state TEXT NOT NULL,
                claimed_at INTEGER);
            CREATE INDEX direct_uploads_open ON direct_uploads(state, expires);
            """),
        (5, """
            -- tus uploads: how far each has come (the bytes are in the media store), and who is appending now.
            CREATE TABLE tus_uploads (
                video_uid TEXT PRIMARY KEY REFERENCES videos(uid) ON DELETE CASCADE,
                upload_length INTEGER NOT NULL,
                upload_offset INTEGER NOT NULL,
                metadata TEXT,
                secret_hash BLOB,
                expires INTEGER NOT NULL,
                slide_ms INTEGER NOT NULL,
                state TEXT NOT NULL,
                lock_id TEXT,
                locked_until INTEGER);
            CREATE INDEX tus_uploads_open ON tus_uploads(state, expires);
            """),
        (6, """
            -- Webhooks: one per account (its secret signs each delivery, so it is kept as is), and the outbox of
            -- events, written in the transaction of the state change they tell of and delivered by a dispatcher.
            CREATE TABLE webhooks (
                account_id TEXT PRIMARY KEY REFERENCES accounts(id),
                notification_url TEXT NOT NULL,
                secret TEXT NOT NULL,
                download_events INTEGER NOT NULL,
                modified INTEGER NOT NULL);
            CREATE TABLE webhook_events (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL,
                event TEXT NOT NULL,
                video_uid TEXT NOT NULL,
                payload TEXT NOT NULL,
                created INTEGER NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt INTEGER NOT NULL,
                lease_until INTEGER,
                delivered INTEGER,
                last_error TEXT);
            CREATE INDEX webhook_events_due ON webhook_events(delivered, next_attempt);
            """),
        (7, """
            -- Downloads that explain themselves: checksum, how they were made, time left, why they failed, when ready.
            ALTER TABLE downloads ADD COLUMN sha256 TEXT;
            ALTER TABLE downloads ADD COLUMN mode TEXT;
            ALTER TABLE downloads ADD COLUMN eta_seconds REAL;
            ALTER TABLE downloads ADD COLUMN error_code TEXT;
            ALTER TABLE downloads ADD COLUMN ready_at INTEGER;
            """),
    ];

    private const string SchemaV1 = """
        CREATE TABLE IF NOT EXISTS settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL);

        CREATE TABLE IF NOT EXISTS accounts (
            id TEXT PRIMARY KEY,
            created INTEGER NOT NULL);

        CREATE TABLE IF NOT EXISTS api_tokens (
            id TEXT PRIMARY KEY,
            secret_hash BLOB NOT NULL UNIQUE,
            account_id TEXT NOT NULL REFERENCES accounts(id),
            can_write INTEGER NOT NULL,
            name TEXT NOT NULL,
            created INTEGER NOT NULL,
            revoked INTEGER);

        CREATE TABLE IF NOT EXISTS users (
            email TEXT PRIMARY KEY COLLATE NOCASE,
            key_hash BLOB NOT NULL,
            created INTEGER NOT NULL);

        CREATE TABLE IF NOT EXISTS memberships (
            email TEXT NOT NULL REFERENCES users(email) ON DELETE CASCADE,
            account_id TEXT NOT NULL REFERENCES accounts(id),
            PRIMARY KEY (email, account_id));

        CREATE TABLE IF NOT EXISTS videos (
            uid TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts(id),
            state TEXT NOT NULL,
            pct_complete REAL NOT NULL DEFAULT 0,
            error_reason_code TEXT,
            error_reason_text TEXT,
            duration REAL NOT NULL DEFAULT -1,
            width INTEGER NOT NULL DEFAULT -1,
            height INTEGER NOT NULL DEFAULT -1,
            size INTEGER NOT NULL DEFAULT 0,
            meta TEXT NOT NULL DEFAULT '{}',
            name TEXT,
            creator TEXT,
            require_signed_urls INTEGER NOT NULL DEFAULT 0,
            allowed_origins TEXT NOT NULL DEFAULT '[]',
            thumbnail_timestamp_pct REAL NOT NULL DEFAULT 0,
            scheduled_deletion INTEGER,
            max_duration_seconds INTEGER NOT NULL DEFAULT -1,
            source_url TEXT,
            media TEXT,
            created INTEGER NOT NULL,
            modified INTEGER NOT NULL,
            uploaded INTEGER,
            ready_at INTEGER);
        CREATE INDEX IF NOT EXISTS videos_by_account ON videos(account_id, created, uid);

        CREATE TABLE IF NOT EXISTS downloads (
            video_uid TEXT NOT NULL REFERENCES videos(uid) ON DELETE CASCADE,
            type TEXT NOT NULL,
            status TEXT NOT NULL,
            percent_complete REAL NOT NULL DEFAULT 0,
            error_text TEXT,
            job_id TEXT NOT NULL,
            size INTEGER,
            created INTEGER NOT NULL,
            modified INTEGER NOT NULL,
            PRIMARY KEY (video_uid, type));

        CREATE TABLE IF NOT EXISTS jobs (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            video_uid TEXT NOT NULL REFERENCES videos(uid) ON DELETE CASCADE,
            download_type TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            lease_owner TEXT,
            lease_expires INTEGER,
            available_at INTEGER NOT NULL,
            created INTEGER NOT NULL,
            FOREIGN KEY (video_uid, download_type) REFERENCES downloads(video_uid, type) ON DELETE CASCADE);
        CREATE INDEX IF NOT EXISTS jobs_ready ON jobs(available_at, created);
        """;
}
