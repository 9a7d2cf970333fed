using System.Diagnostics.Metrics;

namespace Downstream.Server.Hosting.Metrics;

/// <summary>
/// Downstream's own instruments (meter <c>Downstream</c>), exported at <c>/metrics</c> beside ASP.NET Core's
/// request metrics. <c>docs/operations.md</c> says what each is for.
/// </summary>
public sealed class DownstreamMetrics
{
    public const string MeterName = "Downstream";

    private readonly Counter<long> _jobsFailed;
    private readonly Histogram<double> _jobDuration;
    private readonly Histogram<double> _ffmpegSpeed;
    private readonly Counter<long> _uploaded;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _webhooks;

    public DownstreamMetrics(IMeterFactory meters, JobCounts jobs, Microsoft.Extensions.Options.IOptions<DownstreamOptions> options)
    {
        Enabled = options.Value.Metrics;
        var meter = meters.Create(MeterName);
        _jobsFailed = meter.CreateCounter<long>("downstream.jobs.failed", "{job}", "Jobs that ended in an error, by kind and reason (retried attempts count as reason=retry).");
        _jobDuration = meter.CreateHistogram<double>("downstream.job.duration", "s", "How long a job ran, by kind and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] });
        _ffmpegSpeed = meter.CreateHistogram<double>("downstream.ffmpeg.speed", "{x}", "Seconds of media made per second of work (x real time), by download type and mode.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256] });
        _uploaded = meter.CreateCounter<long>("downstream.upload.bytes", "By", "Media bytes received, by way (multipart, direct, tus, copy).");
        _delivered = meter.CreateCounter<long>("downstream.delivery.bytes", "By", "Media bytes sent, by file (default.mp4, audio.m4a, thumbnail.jpg).");
        _webhooks = meter.CreateCounter<long>("downstream.webhook.deliveries", "{delivery}", "Webhook delivery attempts, by outcome (delivered, failed, gave_up).");
        meter.CreateObservableGauge("downstream.jobs", jobs.Observe, "{job}", "Jobs in the queue now, by kind and state (queued, running); the whole cluster's.");
    }

    /// <summary>Whether anything listens (<c>DOWNSTREAM_METRICS</c>); callers skip work measured for nobody.</summary>
    public bool Enabled { get; }

    public void JobFailed(string kind, string reason) =>
        _jobsFailed.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("reason", reason));

    public void JobRan(string kind, string outcome, TimeSpan duration) =>
        _jobDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));

    public void FfmpegSpeed(string type, string mode, double mediaSeconds, TimeSpan took)
    {
        if (mediaSeconds > 0 && took > TimeSpan.Zero)
        {
            _ffmpegSpeed.Record(mediaSeconds / took.TotalSeconds, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("mode", mode));
        }
    }

    public void Uploaded(string way, long bytes)
    {
        if (bytes > 0)
        {
            _uploaded.Add(bytes, new KeyValuePair<string, object?>("way", way));
        }
    }

    public void Delivered(string file, long bytes)
    {
        if (bytes > 0)
        {
            _delivered.Add(bytes, new KeyValuePair<string, object?>("file", file));
        }
    }

    public void Webhook(string outcome) => _webhooks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
