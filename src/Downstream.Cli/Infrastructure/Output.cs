using System.Text.Json;
using Downstream.Client.Models;
using Spectre.Console;

namespace Downstream.Cli.Infrastructure;

/// <summary>Prints results as tables for people or as JSON for scripts.</summary>
public static class Output
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The raw JSON for scripts when <c>--json</c> is given, else the table for people.</summary>
    public static void Result<T>(IAnsiConsole console, bool json, T value, Action<IAnsiConsole, T> table)
    {
        if (json)
        {
            Json(console, value);
        }
        else
        {
            table(console, value);
        }
    }

    public static void Json<T>(IAnsiConsole console, T value) =>
        console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(value, Indented));

    public static void Videos(IAnsiConsole console, IEnumerable<Video> videos)
    {
        var table = new Table().AddColumns("uid", "state", "duration", "size", "name", "created");
        table.Columns[0].NoWrap();
        foreach (var video in videos)
        {
            var name = video.Meta is not null && video.Meta.TryGetValue("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : "";
            table.AddRow(
                video.Uid,
                video.Status?.State.Value ?? "",
                video.Duration is { } d ? $"{d:0.##} s" : "",
                video.Size is { } s ? $"{s:N0} B" : "",
                Markup.Escape(name ?? ""),
                video.Created?.ToString("u") ?? "");
        }

        console.Write(table);
    }

    public static void Downloads(IAnsiConsole console, DownloadGetResponse downloads)
    {
        var table = new Table().AddColumns("type", "status", "percent", "url");
        table.Columns[3].NoWrap();
        foreach (var (type, download) in new[] { ("default", downloads.Default), ("audio", downloads.Audio) })
        {
            if (download is not null)
            {
                table.AddRow(type, download.Status.Value, $"{download.PercentComplete:0.#}%", Markup.Escape(download.Url ?? ""));
            }
        }

        if (table.Rows.Count == 0)
        {
            console.MarkupLine("[grey]no downloads yet[/]");
            return;
        }

        console.Write(table);
    }
}
