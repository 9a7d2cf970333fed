using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Hosting;

/// <summary>
/// Settings of the server, bound from the <c>Downstream</c> section of configuration and from the
/// <c>DOWNSTREAM_*</c> environment variables (see <see cref="EnvironmentAliases"/>).
/// </summary>
public sealed class DownstreamOptions : IValidatableObject
{
    public const string SectionName = "Downstream";

    /// <summary>Folder for the SQLite file, media and job logs. Default <c>./data</c>.</summary>
    [Required]
    public string DataDir { get; set; } = "data";

    /// <summary>Base of the media URLs the API returns. Default: the first listen URL.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>The default account (32 lowercase hex). Default: generated on first start and kept.</summary>
    [RegularExpression("^[0-9a-f]{32}$", ErrorMessage = "DOWNSTREAM_ACCOUNT_ID must be 32 lowercase hexadecimal characters.")]
    public string? AccountId { get; set; }

    /// <summary>An API token that is made sure to exist with Stream Read and Write on the default account.</summary>
    [MinLength(16, ErrorMessage = "DOWNSTREAM_API_TOKEN must be at least 16 characters.")]
    public string? ApiToken { get; set; }

    /// <summary>With <see cref="AuthKey"/>: a user with this global key, member of the default account.</summary>
    [EmailAddress(ErrorMessage = "DOWNSTREAM_AUTH_EMAIL must be an e-mail address.")]
    public string? AuthEmail { get; set; }

    /// <summary>The global API key of <see cref="AuthEmail"/>.</summary>
    [MinLength(16, ErrorMessage = "DOWNSTREAM_AUTH_KEY must be at least 16 characters.")]
    public string? AuthKey { get; set; }

    /// <summary>Largest accepted upload or copied file in bytes. Default 30 GB, Cloudflare's input limit.</summary>
    [Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 30_000_000_000;

    /// <summary>Height cap of <c>default.mp4</c>; smaller sources are never upscaled. Default 1080.</summary>
    [Range(144, 4320)]
    public int MaxHeight { get; set; } = 1080;

    /// <summary>
    /// Jobs run at once by this node. Default: one per two cores, at least one: one transcode already keeps the cores
    /// busy, so more at once finish no sooner in total (docs/performance.md, "Worker concurrency").
    /// </summary>
    [Range(1, 256)]
    public int WorkerConcurrency { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Copies from URLs run at once by this node, beside the download jobs. Default 2.</summary>
    [Range(1, 64)]
    public int CopyConcurrency { get; set; } = 2;

    /// <summary>How long a claimed job stays owned without a heartbeat. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan JobLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle worker looks for jobs queued by other nodes. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan JobPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Attempts before a job is given up and its download marked <c>error</c>. Default 3.</summary>
    [Range(1, 20)]
    public int JobMaxAttempts { get; set; } = 3;

    /// <summary>
    /// Writes a W3C access log to <c>{data}/logs/access</c>, with the SDKs' retry count. Default false:
    /// ASP.NET Core's W3C logger cut API throughput by a factor of five or more in the benchmarks.
    /// </summary>
    public bool AccessLog { get; set; }

    /// <summary>The x264 preset used when a download must be encoded. Default <c>veryfast</c>.</summary>
    [RegularExpression("^(ultrafast|superfast|veryfast|faster|fast|medium|slow|slower|veryslow)$")]
    public string X264Preset { get; set; } = "veryfast";

    /// <summary>The ffmpeg executable. Default <c>ffmpeg</c> from PATH.</summary>
    [Required]
    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>The ffprobe executable. Default <c>ffprobe</c> from PATH.</summary>
    [Required]
    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>ffprobe processes run at once by this node; more uploads and copies wait for a turn. Default: one per core.</summary>
    [Range(1, 256)]
    public int MaxConcurrentProbes { get; set; } = Environment.ProcessorCount;

    /// <summary>Uploads received at once by this node; one more is answered 429 with <c>Retry-After</c>. Default 64.</summary>
    [Range(1, 100_000)]
    public int MaxConcurrentUploads { get; set; } = 64;

    /// <summary>
    /// Free space the data folder keeps: an upload (by its length when known) or a copy that would leave less is
    /// refused with 507 before any byte is stored. Default 256 MiB.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MinFreeBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// The longest one ffmpeg run for a download may take is <see cref="FfmpegTimeoutBase"/> plus this for each
    /// second of media, after which the download ends in <c>error</c>. Default 10 s (a tenth of real time).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan FfmpegTimeoutPerMediaSecond { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The part of the ffmpeg deadline that does not depend on the media's length. Default 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan FfmpegTimeoutBase { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Lets copy from URL (and later webhooks) reach loopback, private and other internal addresses. Default
    /// false: only public addresses are fetched. Turn it on only where every token holder may reach your network.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How long a copy may take to connect to its origin. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan CopyConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a copy waits for the origin's next byte (or its answer) before giving the attempt up. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan CopyIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest one copy attempt may take in all. Default 6 h (30 GB at about 1.5 MB/s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan CopyTimeout { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Proxies (addresses or CIDR ranges, comma-separated) whose <c>X-Forwarded-Proto/Host/For</c> are honoured.
    /// Default none: forwarded headers are ignored.
    /// </summary>
    public string? TrustedProxies { get; set; }

    /// <summary>An Npgsql connection string: the metadata store and job queue live in PostgreSQL. Default: unset, SQLite.</summary>
    public string? Postgres { get; set; }

    /// <summary>With <see cref="S3Bucket"/>: media lives in this S3-compatible endpoint (path-style). Default: unset, the data folder.</summary>
    public string? S3Endpoint { get; set; }

    /// <summary>The bucket for media; created at start when missing.</summary>
    public string? S3Bucket { get; set; }

    /// <summary>The region requests are signed for. Default <c>us-east-1</c>.</summary>
    public string S3Region { get; set; } = "us-east-1";

    /// <summary><c>stream</c> (default): media is streamed through this node, Range passed on; <c>redirect</c>: 302 to a presigned URL.</summary>
    [RegularExpression("^(stream|redirect)$", ErrorMessage = "DOWNSTREAM_S3_DELIVERY must be 'stream' or 'redirect'.")]
    public string S3Delivery { get; set; } = "stream";

    /// <summary>
    /// Whether the country header (<see cref="CountryHeader"/>) set by a trusted proxy in front is believed, so that
    /// signed tokens may carry <c>ip.geoip.country</c> access rules. Default false: such tokens are refused at creation.
    /// </summary>
    public bool TrustCountryHeader { get; set; }

    /// <summary>The request header holding the client's ISO 3166 country code. Default <c>CF-IPCountry</c>.</summary>
    [RegularExpression("^[A-Za-z0-9-]{1,64}$", ErrorMessage = "DOWNSTREAM_COUNTRY_HEADER must be a header name.")]
    public string CountryHeader { get; set; } = "CF-IPCountry";

    /// <summary>
    /// Disk each node may use for copies of delivered downloads when media lives in S3 (in the scratch folder),
    /// so Range requests are read locally; 0 turns it off. Default 1 GiB.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long S3CacheBytes { get; set; } = 1L << 30;

    /// <summary>
    /// With an nginx edge in front (<c>deploy/nginx/downstream.conf</c>): the internal location that serves the media
    /// folder, e.g. <c>/internal/media/</c>. Media answers are then an <c>X-Accel-Redirect</c> there, and nginx sends
    /// the bytes. Only with media on local disk. Default unset: the server sends the bytes.
    /// </summary>
    [RegularExpression("^/[A-Za-z0-9_/-]*/$", ErrorMessage = "DOWNSTREAM_ACCEL_REDIRECT must be a path that starts and ends with '/', such as /internal/media/.")]
    public string? AccelRedirect { get; set; }

    /// <summary><c>/metrics</c> in Prometheus text format, and the measuring behind it. Default true.</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>Console log format: <c>human</c> (default) or <c>json</c> (one JSON object a line, for log shippers).</summary>
    [RegularExpression("^(human|json)$", ErrorMessage = "DOWNSTREAM_LOG_FORMAT must be 'human' or 'json'.")]
    public string LogFormat { get; set; } = "human";

    /// <summary>Disk each API node may use for the thumbnails it made (in the scratch folder). Default 128 MiB.</summary>
    [Range(1 << 20, long.MaxValue)]
    public long ThumbnailCacheBytes { get; set; } = 128L << 20;

    /// <summary><c>all</c> (default) serves HTTP and runs jobs; <c>api</c> serves HTTP only; <c>worker</c> runs jobs and serves only /health.</summary>
    [RegularExpression("^(all|api|worker)$", ErrorMessage = "DOWNSTREAM_ROLE must be 'all', 'api' or 'worker'.")]
    public string Role { get; set; } = "all";

    /// <summary>Where uploads, copies and ffmpeg's inputs and outputs are staged when media lives in S3. Default <c>{data}/scratch</c>.</summary>
    public string? ScratchDir { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicUrl is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0))
        {
            yield return new ValidationResult(
                $"DOWNSTREAM_PUBLIC_URL must be an absolute http or https URL without query, fragment or user ('{url}' is not).", [nameof(PublicUrl)]);
        }

        string? proxies = null;
        try
        {
            Hosting.TrustedProxies.Parse(TrustedProxies);
        }
        catch (OptionsValidationException ex)
        {
            proxies = ex.Message;
        }

        if (proxies is not null)
        {
            yield return new ValidationResult(proxies, [nameof(TrustedProxies)]);
        }

        if (UsesS3 && (string.IsNullOrEmpty(S3Endpoint) || string.IsNullOrEmpty(S3Bucket)))
        {
            yield return new ValidationResult("DOWNSTREAM_S3_ENDPOINT and DOWNSTREAM_S3_BUCKET must be set together.", [nameof(S3Endpoint)]);
        }

        if (S3Endpoint is { Length: > 0 } endpoint && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            yield return new ValidationResult($"DOWNSTREAM_S3_ENDPOINT must be an absolute URL ('{endpoint}' is not).", [nameof(S3Endpoint)]);
        }
    }

    public bool UsesS3 => !string.IsNullOrEmpty(S3Endpoint) || !string.IsNullOrEmpty(S3Bucket);

    public string FullScratchDir => Path.GetFullPath(ScratchDir ?? Path.Combine(FullDataDir, "scratch"));

    public string DatabasePath => Path.Combine(FullDataDir, "downstream.db");

    public string FullDataDir => Path.GetFullPath(DataDir);
}
