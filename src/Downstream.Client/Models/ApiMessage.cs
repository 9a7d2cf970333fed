using System.Text.Json.Serialization;

namespace Downstream.Client.Models;

/// <summary>An entry of the envelope's <c>errors</c> or <c>messages</c>.</summary>
public sealed record ApiMessage
{
    [JsonPropertyName("code")]
    public int Code { get; init; }

    [JsonPropertyName("message")]
    public string Message { get; init; } = "";

    [JsonPropertyName("documentation_url")]
    public string? DocumentationUrl { get; init; }

    [JsonPropertyName("source")]
    public ApiMessageSource? Source { get; init; }

    [JsonPropertyName("error_chain")]
    public IReadOnlyList<ApiMessage>? ErrorChain { get; init; }
}

/// <summary>Where in the request an error points.</summary>
public sealed record ApiMessageSource
{
    /// <summary>A JSON pointer into the request body.</summary>
    [JsonPropertyName("pointer")]
    public string? JsonPointer { get; init; }
}
