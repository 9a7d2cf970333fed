using System.Text.Json.Serialization;

namespace Downstream.Server.Api;

/// <summary>The Cloudflare v4 response envelope that every JSON answer uses.</summary>
public sealed record Envelope<T>(
    [property: JsonPropertyName("result")] T? Result,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("errors")] IReadOnlyList<ApiMessage> Errors,
    [property: JsonPropertyName("messages")] IReadOnlyList<ApiMessage> Messages);

/// <summary>An entry of <c>errors</c> or <c>messages</c>; codes are at least 1000.</summary>
public sealed record ApiMessage(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message)
{
    [JsonPropertyName("error_chain")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ApiMessage>? ErrorChain { get; init; }
}

public static class Envelope
{
    public static Envelope<T> Ok<T>(T result) => new(result, true, [], []);

    public static Envelope<object> Fail(ApiMessage error) => new(null, false, [error], []);
}
