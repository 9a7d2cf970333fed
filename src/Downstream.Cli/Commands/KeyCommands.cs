using System.ComponentModel;
using Downstream.Cli.Infrastructure;
using Downstream.Client.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Downstream.Cli.Commands;

/// <summary><c>keys create</c>: prints the new key's private halves, which the server does not keep.</summary>
public sealed class KeysCreateCommand : AsyncCommand<GlobalSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, GlobalSettings settings, CancellationToken cancellationToken)
    {
        var runtime = (CliRuntime)context.Data!;
        using var client = runtime.Client(settings);
        var key = await client.Stream.Keys.Create(new KeyCreateParams { AccountId = runtime.AccountId(settings) }, cancellationToken);
        if (settings.Json)
        {
            Output.Json(runtime.Console, key);
            return 0;
        }

        runtime.Console.MarkupLine($"id:  {key.Id}");
        runtime.Console.MarkupLine($"pem: {key.Pem}");
        runtime.Console.MarkupLine($"jwk: {key.Jwk}");
        runtime.Console.MarkupLine("[yellow]Keep pem or jwk now: the server does not keep the private key and cannot show it again.[/]");
        return 0;
    }
}

/// <summary><c>keys list</c>.</summary>
public sealed class KeysListCommand : AsyncCommand<GlobalSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, GlobalSettings settings, CancellationToken cancellationToken)
    {
        var runtime = (CliRuntime)context.Data!;
        using var client = runtime.Client(settings);
        var keys = await client.Stream.Keys.List(new KeyListParams { AccountId = runtime.AccountId(settings) }, cancellationToken);
        Output.Result(runtime.Console, settings.Json, keys, (console, list) =>
        {
            var table = new Table().AddColumns("id", "created");
            foreach (var key in list)
            {
                table.AddRow(key.Id, key.Created?.ToString("u") ?? "");
            }

            console.Write(table);
        });
        return 0;
    }
}

public sealed class KeyIdSettings : GlobalSettings
{
    [CommandArgument(0, "<KEY_ID>")]
    [Description("The signing key's id.")]
    public string KeyId { get; init; } = "";
}

/// <summary><c>keys delete KEY_ID</c>: every token the key signed stops working.</summary>
public sealed class KeysDeleteCommand : AsyncCommand<KeyIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, KeyIdSettings settings, CancellationToken cancellationToken)
    {
        var runtime = (CliRuntime)context.Data!;
        using var client = runtime.Client(settings);
        var result = await client.Stream.Keys.Delete(settings.KeyId, new KeyDeleteParams { AccountId = runtime.AccountId(settings) }, cancellationToken);
        if (settings.Json)
        {
            Output.Json(runtime.Console, result);
        }
        else
        {
            runtime.Console.MarkupLine($"revoked key {Markup.Escape(settings.KeyId)}: tokens it signed no longer work");
        }

        return 0;
    }
}
