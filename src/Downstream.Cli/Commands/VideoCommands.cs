using System.ComponentModel;
using Downstream.Cli.Infrastructure;
using Downstream.Client;
using Downstream.Client.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Downstream.Cli.Commands;

public sealed class VideosUploadSettings : GlobalSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("The video file to upload.")]
    public string File { get; init; } = "";

    [CommandOption("--wait")]
    [Description("Wait until the video is ready (or failed). The default; kept for scripts that pass it.")]
    public bool Wait { get; init; }

    [CommandOption("--no-wait")]
    [Description("Return as soon as the file is stored, before the server has read it (state queued).")]
    public bool NoWait { get; init; }

    [CommandOption("--resumable")]
    [Description("Upload with tus in chunks, resuming after a dropped connection or an interruption (always above 200 MB).")]
    public bool Resumable { get; init; }

    [CommandOption("--chunk-size <MiB>")]
    [Description("tus chunk size in MiB: 5 to 200, a multiple of 0.25. Default 50.")]
    public double? ChunkSize { get; init; }
}

/// <summary>
/// <c>videos upload FILE [--resumable] [--no-wait]</c>, with a progress bar of bytes sent. Files over 200 MB go with
/// tus (as Cloudflare requires), and running the command again after an interruption resumes the upload.
/// </summary>
public sealed class VideosUploadCommand : AsyncCommand<VideosUploadSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, VideosUploadSettings settings, CancellationToken cancellationToken)
    {
        var runtime = (CliRuntime)context.Data!;
        if (!File.Exists(settings.File))
        {
            throw new CliException($"No such file: {settings.File}");
        }

        var account = runtime.AccountId(settings);
        using var client = runtime.Client(settings);
        var size = new FileInfo(settings.File).Length;
        var resumable = settings.Resumable || size > TusThreshold;
        var video = await WithProgressAsync(runtime, settings, size, progress => resumable
            ? UploadResumableAsync(runtime, client, settings, account, progress, cancellationToken)
            : client.Stream.Upload(settings.File, new VideoUploadParams { AccountId = account }, progress, cancellationToken));

        // The server answers once the bytes are stored; whether they are a video is known a moment later.
        if (!settings.NoWait)
        {
            video = await client.Stream.WaitUntilReady(video.Uid, new VideoGetParams { AccountId = account }, cancellationToken);
        }

        Output.Result(runtime.Console, settings.Json, video, (console, one) => Output.Videos(console, [one]));

        return video.Status?.State == VideoState.Error ? Fail(runtime, video) : 0;
    }

    /// <summary>Cloudflare requires tus for files over 200 MB.</summary>
    public const long TusThreshold = 200_000_000;

    private static async Task<Video> WithProgressAsync(CliRuntime runtime, VideosUploadSettings settings, long size, Func<IProgress<long>?, Task<Video>> upload)
    {
        if (settings.Json)
        {
            return await upload(null);
        }

        return await runtime.Console.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask($"upload {Markup.Escape(Path.GetFileName(settings.File))}", maxValue: Math.Max(1, size));
            var result = await upload(new Progress<long>(sent => task.Value = sent));
            task.Value = task.MaxValue;
            return result;
        });
    }

    private static async Task<Video> UploadResumableAsync(
        CliRuntime runtime, CloudflareClient client, VideosUploadSettings settings, string account, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var chunk = settings.ChunkSize is { } mib ? (int)Math.Round(mib * 1024 * 1024) : new ResumableUploadParams { AccountId = account }.ChunkSize;
        var resume = runtime.ResumeFile(client, account, settings.File);
        ResumableUploadParams parameters;
        try
        {
            parameters = new ResumableUploadParams { AccountId = account, ChunkSize = chunk, ResumeUrl = resume.Read(), UploadCreated = resume.Write };
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message);
        }

        Video video;
        try
        {
            video = await client.Stream.UploadResumable(settings.File, parameters, progress, cancellationToken);
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message);
        }

        resume.Delete();
        return video;
    }

    private static int Fail(CliRuntime runtime, Video video)
    {
        runtime.Console.MarkupLine($"[red]error:[/] {Markup.Escape(video.Status?.ErrorReasonText ?? "the video failed")}");
        return 1;
    }
}

public sealed class VideosListSettings : GlobalSettings
{
    [CommandOption("--limit <N>")]
    [Description("At most this many videos (1 to 1000).")]
    public int? Limit { get; init; }

    [CommandOption("--search <TEXT>")]
    [Description("Only videos whose name contains the text.")]
    public string? Search { get; init; }
}

/// <summary><c>videos list</c>.</summary>
public sealed class VideosListCommand : AsyncCommand<VideosListSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, VideosListSettings settings, CancellationToken cancellationToken)
    {
        var runtime = (CliRuntime)context.Data!;
        using var client = runtime.Client(settings);
        var page = await client.Stream.List(new VideoListParams { AccountId = runtime.AccountId(settings), Limit = settings.Limit, Search = settings.Search }, cancellationToken);
        if (settings.Json)
        {
            Output.Json(runtime.Console, page.Videos);
        }
        else
        {
            Output.Videos(runtime.Console, page.Videos);
            runtime.Console.MarkupLine($"[grey]{page.Videos.Count} shown of {page.Total} videos[/]");
        }

        return 0;
    }
}

/// <summary><c>videos get ID</c>.</summary>
public sealed class VideosGetCommand : AsyncCommand<VideoSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, VideoSettings settings, CancellationToken cancellationToken)
    {
        var runtime = (CliRuntime)context.Data!;
        using var client = runtime.Client(settings);
        var video = await client.Stream.Get(settings.Id, new VideoGetParams { AccountId = runtime.AccountId(settings) }, cancellationToken);
        Output.Result(runtime.Console, settings.Json, video, (console, one) => Output.Videos(console, [one]));

        return 0;
    }
}

public sealed class VideosDirectUploadSettings : GlobalSettings
{
    [CommandOption("--max-duration <SECONDS>")]
    [Description("The longest video the upload may be, in seconds. Required.")]
    public int? MaxDuration { get; init; }

    [CommandOption("--expiry <DURATION>")]
    [Description("How long the URL works: 90s, 30m, 2h ... at most 6h. Default: 30m.")]
    [DefaultValue("30m")]
    public string Expiry { get; init; } = "30m";

    [CommandOption("--creator <ID>")]
    [Description("Who will upload, stored as the video's creator.")]
    public string? Creator { get; init; }

    public override Spectre.Console.ValidationResult Validate()
    {
        if (MaxDuration is not > 0)
        {
            return Spectre.Console.ValidationResult.Error("--max-duration is required: the longest video the upload may be, in seconds.");
        }

        return Durations.Check(Expiry, TimeSpan.FromHours(6), "--expiry");
    }
}

/// <summary><c>videos direct-upload --max-duration 600</c>: prints a one-time URL an end user uploads a file to.</summary>
public sealed class VideosDirectUploadCommand : AsyncCommand<VideosDirectUploadSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, VideosDirectUploadSettings settings, CancellationToken cancellationToken)
    {
        var runtime = (CliRuntime)context.Data!;
        using var client = runtime.Client(settings);
        var upload = await client.Stream.DirectUpload.Create(new DirectUploadCreateParams
        {
            AccountId = runtime.AccountId(settings),
            MaxDurationSeconds = settings.MaxDuration!.Value,
            Expiry = DateTimeOffset.UtcNow + Durations.Parse(settings.Expiry),
            Creator = settings.Creator,
        }, cancellationToken);
        if (settings.Json)
        {
            Output.Json(runtime.Console, upload);
            return 0;
        }

        runtime.Console.MarkupLine($"uid: {upload.Uid}");
        runtime.Console.Profile.Out.Writer.WriteLine(upload.UploadUrl);
        runtime.Console.MarkupLine($"[grey]upload once, before it expires: curl -F file=@video.mp4 {Markup.Escape(upload.UploadUrl)}[/]");
        return 0;
    }
}
