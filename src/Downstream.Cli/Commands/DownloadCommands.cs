using System.ComponentModel;
using Downstream.Cli.Infrastructure;
using Downstream.Client;
using Downstream.Client.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Downstream.Cli.Commands;

public sealed class DownloadsCreateSettings : DownloadSettings
{
    [CommandOption("--wait")]
    [Description("Wait until the download is ready, showing its progress.")]
    public bool Wait { get; init; }
}

/// <summary><c>downloads create ID [--type audio] [--wait]</c>.</summary>
public sealed class DownloadsCreateCommand : AsyncCommand<DownloadsCreateSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DownloadsCreateSettings settings, CancellationToken cancellationToken)
    {
        var runtime = (CliRuntime)context.Data!;
        var account = runtime.AccountId(settings);
        using var client = runtime.Client(settings);
        var type = DownloadType.From(settings.Type);
        var downloads = await client.Stream.Downloads.Create(settings.Id, new DownloadCreateParams { AccountId = account, Type = type }, cancellationToken);
        if (settings.Wait)
        {
            await Wait(runtime, client, settings, account, type, cancellationToken);
            downloads = await client.Stream.Downloads.Get(settings.Id, new DownloadGetParams { AccountId = account }, cancellationToken);
        }

        Output.Result(runtime.Console, settings.Json, downloads, Output.Downloads);

        return 0;
    }

    private static async Task Wait(CliRuntime runtime, CloudflareClient client, DownloadsCreateSettings settings, string account, DownloadType type, CancellationToken cancellationToken)
    {
        var parameters = new DownloadGetParams { AccountId = account };
        if (settings.Json)
        {
            await client.Stream.Downloads.WaitUntilReady(settings.Id, type, parameters, null, cancellationToken);
            return;
        }

        await runtime.Console.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask($"{type} download", maxValue: 100);
            await client.Stream.Downloads.WaitUntilReady(settings.Id, type, parameters, new Progress<double>(p => task.Value = p), cancellationToken);
            task.Value = 100;
        });
    }
}

/// <summary><c>downloads list ID</c>.</summary>
public sealed class DownloadsListCommand : AsyncCommand<VideoSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, VideoSettings settings, CancellationToken cancellationToken)
    {
        var runtime = (CliRuntime)context.Data!;
        using var client = runtime.Client(settings);
        var downloads = await client.Stream.Downloads.Get(settings.Id, new DownloadGetParams { AccountId = runtime.AccountId(settings) }, cancellationToken);
        Output.Result(runtime.Console, settings.Json, downloads, Output.Downloads);

        return 0;
    }
}

public sealed class DownloadsGetSettings : DownloadSettings
{
    [CommandOption("-o|--output <FILE>")]
    [Description("Where to write the file. Default: <ID>.mp4 or <ID>.m4a.")]
    public string? Output { get; init; }
}

/// <summary><c>downloads get ID --type ... -o FILE</c>: fetches the file with a progress bar, resuming after drops.</summary>
public sealed class DownloadsGetCommand : AsyncCommand<DownloadsGetSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DownloadsGetSettings settings, CancellationToken cancellationToken)
    {
        var runtime = (CliRuntime)context.Data!;
        var account = runtime.AccountId(settings);
        using var client = runtime.Client(settings);
        var type = DownloadType.From(settings.Type);
        var target = settings.Output ?? settings.Id + (type == DownloadType.Audio ? ".m4a" : ".mp4");
        var parameters = new DownloadGetParams { AccountId = account };
        long bytes;
        if (settings.Json)
        {
            bytes = await client.Stream.Downloads.DownloadTo(settings.Id, type, parameters, target, null, cancellationToken);
            Output.Json(runtime.Console, new { path = Path.GetFullPath(target), bytes });
            return 0;
        }

        bytes = await runtime.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"fetch {Markup.Escape(Path.GetFileName(target))}", autoStart: true);
                task.IsIndeterminate = true;
                var total = await client.Stream.Downloads.DownloadTo(settings.Id, type, parameters, target, new Progress<long>(n => task.Value = n), cancellationToken);
                task.IsIndeterminate = false;
                task.MaxValue = Math.Max(1, total);
                task.Value = task.MaxValue;
                return total;
            });
        runtime.Console.MarkupLine($"wrote {bytes:N0} bytes to {Markup.Escape(target)}");
        return 0;
    }
}

/// <summary><c>downloads delete ID [--type]</c>.</summary>
public sealed class DownloadsDeleteCommand : AsyncCommand<DownloadSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DownloadSettings settings, CancellationToken cancellationToken)
    {
        var runtime = (CliRuntime)context.Data!;
        using var client = runtime.Client(settings);
        var result = await client.Stream.Downloads.Delete(settings.Id, new DownloadDeleteParams { AccountId = runtime.AccountId(settings), Type = DownloadType.From(settings.Type) }, cancellationToken);
        if (settings.Json)
        {
            Output.Json(runtime.Console, result);
        }
        else
        {
            runtime.Console.MarkupLine($"deleted the {Markup.Escape(settings.Type)} download of {Markup.Escape(settings.Id)}");
        }

        return 0;
    }
}

public sealed class DownloadsUrlSettings : DownloadSettings
{
    [CommandOption("--signed")]
    [Description("Put a new downloadable token in place of the video id (needed for videos that require signed URLs).")]
    public bool Sign { get; init; }

    [CommandOption("--ttl <DURATION>")]
    [Description("How long a signed URL works: 90s, 30m, 1h ... at most 24h. Default: 1h.")]
    [DefaultValue("1h")]
    public string Ttl { get; init; } = "1h";

    public override Spectre.Console.ValidationResult Validate()
    {
        var type = base.Validate();
        if (!type.Successful)
        {
            return type;
        }

        return Durations.Check(Ttl, TimeSpan.FromHours(24), "--ttl");
    }
}

/// <summary><c>downloads url ID [--type audio] [--signed --ttl 1h]</c>: prints a URL ready for curl or a browser.</summary>
public sealed class DownloadsUrlCommand : AsyncCommand<DownloadsUrlSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DownloadsUrlSettings settings, CancellationToken cancellationToken)
    {
        var runtime = (CliRuntime)context.Data!;
        var account = runtime.AccountId(settings);
        using var client = runtime.Client(settings);
        var type = DownloadType.From(settings.Type);
        var downloads = await client.Stream.Downloads.Get(settings.Id, new DownloadGetParams { AccountId = account }, cancellationToken);
        var url = downloads[type]?.Url
            ?? throw new CliException($"Video {settings.Id} has no {type} download yet; create it with: downstream downloads create {settings.Id} --type {type}");
        var result = settings.Sign
            ? (await client.Stream.Token.SignDownloadUrl(url, settings.Id, account, Durations.Parse(settings.Ttl), cancellationToken)).ToString()
            : url;
        if (settings.Json)
        {
            Output.Json(runtime.Console, new { url = result });
        }
        else
        {
            runtime.Console.Profile.Out.Writer.WriteLine(result);
        }

        return 0;
    }
}

/// <summary>Durations as people write them: <c>90s</c>, <c>30m</c>, <c>1h</c>, <c>1d</c>, or <c>hh:mm:ss</c>.</summary>
public static class Durations
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text.Length >= 2 && double.TryParse(text[..^1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number) && number >= 0 && number < 1e6)
        {
            TimeSpan? parsed = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(number),
                'm' => TimeSpan.FromMinutes(number),
                'h' => TimeSpan.FromHours(number),
                'd' => TimeSpan.FromDays(number),
                _ => null,
            };
            if (parsed is { } span)
            {
                value = span;
                return true;
            }
        }

        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    public static TimeSpan Parse(string text) => TryParse(text, out var value) ? value : throw new FormatException($"Not a duration: {text}");

    /// <summary>Whether an option's value is a duration above zero and at most <paramref name="most"/>.</summary>
    public static Spectre.Console.ValidationResult Check(string text, TimeSpan most, string option) =>
        TryParse(text, out var value) && value > TimeSpan.Zero && value <= most
            ? Spectre.Console.ValidationResult.Success()
            : Spectre.Console.ValidationResult.Error($"{option} must be a duration such as 90s, 30m or 1h, at most {most.TotalHours:0}h, not '{text}'.");
}
