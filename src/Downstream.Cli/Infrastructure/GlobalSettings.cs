using System.ComponentModel;
using Spectre.Console.Cli;

namespace Downstream.Cli.Infrastructure;

/// <summary>Options every command takes.</summary>
public class GlobalSettings : CommandSettings
{
    [CommandOption("--account-id <ID>")]
    [Description("The account (default: CLOUDFLARE_ACCOUNT_ID).")]
    public string? AccountId { get; init; }

    [CommandOption("--base-url <URL>")]
    [Description("The API base (default: CLOUDFLARE_BASE_URL, else Cloudflare's).")]
    public string? BaseUrl { get; init; }

    [CommandOption("--json")]
    [Description("Print the raw JSON result, for scripts.")]
    public bool Json { get; init; }
}

/// <summary>Options of the commands that act on one video.</summary>
public class VideoSettings : GlobalSettings
{
    [CommandArgument(0, "<ID>")]
    [Description("The video's uid.")]
    public string Id { get; init; } = "";
}

/// <summary>Options of the commands that act on one download of a video.</summary>
public class DownloadSettings : VideoSettings
{
    [CommandOption("-t|--type <TYPE>")]
    [Description("default (MP4) or audio (M4A). Default: default.")]
    [DefaultValue("default")]
    public string Type { get; init; } = "default";

    public override Spectre.Console.ValidationResult Validate() =>
        Type is "default" or "audio"
            ? Spectre.Console.ValidationResult.Success()
            : Spectre.Console.ValidationResult.Error($"--type must be 'default' or 'audio', not '{Type}'.");
}
