namespace Downstream.Client.Core;

/// <summary>Builds API paths, refusing empty path parameters before any request is sent.</summary>
internal static class Paths
{
    public static string Segment(string? value, string name) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException($"Missing required {name} parameter.", name)
            : Uri.EscapeDataString(value);

    public static string Stream(string accountId) => $"/accounts/{Segment(accountId, "account_id")}/stream";
}
