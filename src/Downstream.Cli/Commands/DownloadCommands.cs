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
