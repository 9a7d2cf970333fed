using Downstream.Cli.Commands;
using Downstream.Cli.Infrastructure;
using Downstream.Client.Exceptions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Downstream.Cli;

/// <summary>The <c>downstream</c> command tree; errors become one readable line and exit code 1.</summary>
public static class CliApp
{
    public static Task<int> RunAsync(string[] args, CliRuntime runtime, CancellationToken cancellationToken = default)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("downstream");
            config.Settings.Console = runtime.Console;
            config.AddBranch("videos", videos =>
            {
                videos.SetDescription("Upload, list and read videos.");
                videos.AddCommand<VideosUploadCommand>("upload").WithData(runtime).WithDescription("Upload a video file.");
                videos.AddCommand<VideosListCommand>("list").WithData(runtime).WithDescription("List videos.");
                videos.AddCommand<VideosGetCommand>("get").WithData(runtime).WithDescription("Show one video.");
                videos.AddCommand<VideosDirectUploadCommand>("direct-upload").WithData(runtime).WithDescription("Print a one-time URL an end user uploads a file to.");
            });
            config.AddBranch("downloads", downloads =>
            {
                downloads.SetDescription("Create, list, fetch and delete MP4 and M4A downloads.");
                downloads.AddCommand<DownloadsCreateCommand>("create").WithData(runtime).WithDescription("Create a download.");
                downloads.AddCommand<DownloadsListCommand>("list").WithData(runtime).WithDescription("List the downloads of a video.");
                downloads.AddCommand<DownloadsGetCommand>("get").WithData(runtime).WithDescription("Fetch a ready download to a file.");
                downloads.AddCommand<DownloadsDeleteCommand>("delete").WithData(runtime).WithDescription("Delete a download.");
                downloads.AddCommand<DownloadsUrlCommand>("url").WithData(runtime).WithDescription("Print a download's URL, signed with --signed.");
            });
            config.AddBranch("keys", keys =>
            {
                keys.SetDescription("Signing keys for signed URLs of private videos.");
                keys.AddCommand<KeysCreateCommand>("create").WithData(runtime).WithDescription("Create a key; prints its private key once.");
                keys.AddCommand<KeysListCommand>("list").WithData(runtime).WithDescription("List the account's keys.");
                keys.AddCommand<KeysDeleteCommand>("delete").WithData(runtime).WithDescription("Delete a key, revoking every token it signed.");
            });
            config.SetExceptionHandler((exception, _) =>
            {
                var message = exception switch
                {
                    CliException or CloudflareException => exception.Message,
                    CommandAppException => exception.Message,
                    IOException or UnauthorizedAccessException => exception.Message,
                    _ => exception.ToString(),
                };
                runtime.Console.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
                return 1;
            });
        });
        return app.RunAsync(args, cancellationToken);
    }
}
