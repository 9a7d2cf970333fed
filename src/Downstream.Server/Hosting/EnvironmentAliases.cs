namespace Downstream.Server.Hosting;

/// <summary>
/// Maps the documented <c>DOWNSTREAM_*</c> variables onto the <c>Downstream</c> options section,
/// so they override <c>appsettings.json</c> like any other environment variable.
/// </summary>
public static class EnvironmentAliases
{
    private static readonly (string Variable, string Key)[] Aliases =
    [
        ("DOWNSTREAM_DATA_DIR", nameof(DownstreamOptions.DataDir)),
        ("DOWNSTREAM_PUBLIC_URL", nameof(DownstreamOptions.PublicUrl)),
        ("DOWNSTREAM_ACCOUNT_ID", nameof(DownstreamOptions.AccountId)),
        ("DOWNSTREAM_API_TOKEN", nameof(DownstreamOptions.ApiToken)),
        ("DOWNSTREAM_AUTH_EMAIL", nameof(DownstreamOptions.AuthEmail)),
        ("DOWNSTREAM_AUTH_KEY", nameof(DownstreamOptions.AuthKey)),
        ("DOWNSTREAM_MAX_UPLOAD_BYTES", nameof(DownstreamOptions.MaxUploadBytes)),
        ("DOWNSTREAM_MAX_HEIGHT", nameof(DownstreamOptions.MaxHeight)),
        ("DOWNSTREAM_WORKER_CONCURRENCY", nameof(DownstreamOptions.WorkerConcurrency)),
        ("DOWNSTREAM_COPY_CONCURRENCY", nameof(DownstreamOptions.CopyConcurrency)),
        ("DOWNSTREAM_JOB_LEASE", nameof(DownstreamOptions.JobLease)),
        ("DOWNSTREAM_JOB_POLL_INTERVAL", nameof(DownstreamOptions.JobPollInterval)),
        ("DOWNSTREAM_ACCESS_LOG", nameof(DownstreamOptions.AccessLog)),
        ("DOWNSTREAM_ALLOW_PRIVATE_NETWORKS", nameof(DownstreamOptions.AllowPrivateNetworks)),
        ("DOWNSTREAM_TRUSTED_PROXIES", nameof(DownstreamOptions.TrustedProxies)),
        ("DOWNSTREAM_POSTGRES", nameof(DownstreamOptions.Postgres)),
        ("DOWNSTREAM_S3_ENDPOINT", nameof(DownstreamOptions.S3Endpoint)),
        ("DOWNSTREAM_S3_BUCKET", nameof(DownstreamOptions.S3Bucket)),
        ("DOWNSTREAM_S3_REGION", nameof(DownstreamOptions.S3Region)),
        ("DOWNSTREAM_S3_DELIVERY", nameof(DownstreamOptions.S3Delivery)),
        ("DOWNSTREAM_S3_CACHE_BYTES", nameof(DownstreamOptions.S3CacheBytes)),
        ("DOWNSTREAM_ACCEL_REDIRECT", nameof(DownstreamOptions.AccelRedirect)),
        ("DOWNSTREAM_METRICS", nameof(DownstreamOptions.Metrics)),
        ("DOWNSTREAM_LOG_FORMAT", nameof(DownstreamOptions.LogFormat)),
        ("DOWNSTREAM_THUMBNAIL_CACHE_BYTES", nameof(DownstreamOptions.ThumbnailCacheBytes)),
        ("DOWNSTREAM_TRUST_COUNTRY_HEADER", nameof(DownstreamOptions.TrustCountryHeader)),
        ("DOWNSTREAM_COUNTRY_HEADER", nameof(DownstreamOptions.CountryHeader)),
        ("DOWNSTREAM_ROLE", nameof(DownstreamOptions.Role)),
        ("DOWNSTREAM_SCRATCH_DIR", nameof(DownstreamOptions.ScratchDir)),
        ("DOWNSTREAM_MIN_FREE_BYTES", nameof(DownstreamOptions.MinFreeBytes)),
        ("DOWNSTREAM_MAX_CONCURRENT_UPLOADS", nameof(DownstreamOptions.MaxConcurrentUploads)),
    ];

    public static IConfigurationBuilder AddDownstreamEnvironment(this IConfigurationBuilder builder)
    {
        var values = new Dictionary<string, string?>();
        foreach (var (variable, key) in Aliases)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(value))
            {
                values[$"{DownstreamOptions.SectionName}:{key}"] = value;
            }
        }

        return builder.AddInMemoryCollection(values);
    }
}
