using System.Text.Json;
using System.Text.Json.Serialization;
using Downstream.Client.Models;

namespace Downstream.Client.Core;

/// <summary>The v4 envelope, with <c>result</c> kept raw until the caller's type is known.</summary>
internal sealed record Envelope
{
    [JsonPropertyName("result")]
    public JsonElement Result { get; init; }

    [JsonPropertyName("success")]
    public bool Success { get; init; }

    [JsonPropertyName("errors")]
    public IReadOnlyList<ApiMessage>? Errors { get; init; }

    [JsonPropertyName("messages")]
    public IReadOnlyList<ApiMessage>? Messages { get; init; }

    [JsonPropertyName("range")]
    public int? Range { get; init; }

    [JsonPropertyName("total")]
    public int? Total { get; init; }
}
