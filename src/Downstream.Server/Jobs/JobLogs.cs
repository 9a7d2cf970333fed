using Downstream.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Jobs;

/// <summary>Where each job writes its log: <c>{data}/logs/jobs/{job id}.log</c>.</summary>
public sealed class JobLogs(IOptions<DownstreamOptions> options)
{
    public string PathOf(string jobId) => Path.Combine(options.Value.FullDataDir, "logs", "jobs", jobId + ".log");
}
