using Downstream.Server.Api;
using Downstream.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Jobs;

/// <summary>
/// Where each job writes its log: <c>{data}/logs/jobs/{video uid}/{job id}.log</c>, one folder per video
/// so the logs go with it when it is deleted. Each log is capped at <see cref="MaxBytes"/>.
/// </summary>
public sealed class JobLogs(IOptions<DownstreamOptions> options)
{
    /// <summary>A log stops growing here: ffmpeg can repeat a warning once per frame for hours.</summary>
    public const long MaxBytes = 1024 * 1024;

    private string Root => Path.Combine(options.Value.FullDataDir, "logs", "jobs");

    public string PathOf(Job job) => Path.Combine(Root, Ids.Require(job.VideoUid, "video"), Ids.Require(job.Id, "job") + ".log");

    /// <summary>Removes the logs of a deleted video.</summary>
    public void DeleteForVideo(string videoUid)
    {
        var folder = Path.Combine(Root, Ids.Require(videoUid, "video"));
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
