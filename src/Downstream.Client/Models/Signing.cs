using System.Text.Json.Serialization;

namespace Downstream.Client.Models;

/// <summary>A signing key as created: the private key is in <see cref="Pem"/> and <see cref="Jwk"/>, this once only.</summary>
public sealed record SigningKey
{
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>Base64 of the PEM (PKCS#1) RSA private key.</summary>
    [JsonPropertyName("pem")]
    public string? Pem { get; init; }

    /// <summary>Base64 of the private JWK JSON.</summary>
    [JsonPropertyName("jwk")]
    public string? Jwk { get; init; }

    [JsonPropertyName("created")]
    public DateTimeOffset? Created { get; init; }
}

/// <summary>One rule of a signed token: the first rule that matches the client decides.</summary>
public sealed record AccessRule
{
    /// <summary><c>any</c>, <c>ip.src</c> or <c>ip.geoip.country</c>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary><c>allow</c> or <c>block</c>.</summary>
    [JsonPropertyName("action")]
    public required string Action { get; init; }

    [JsonPropertyName("ip")]
    public IReadOnlyList<string>? Ip { get; init; }

    [JsonPropertyName("country")]
    public IReadOnlyList<string>? Country { get; init; }
}

public sealed record KeyCreateParams : AccountParams;

public sealed record KeyListParams : AccountParams;

public sealed record KeyDeleteParams : AccountParams;

public sealed record TokenCreateParams : AccountParams
{
    /// <summary>Sign with this key of yours (with <see cref="Pem"/>); null: the server signs with a key of its own.</summary>
    public string? Id { get; init; }

    /// <summary>Base64 of the PEM private key of <see cref="Id"/>, as <see cref="SigningKey.Pem"/> gave it.</summary>
    public string? Pem { get; init; }

    /// <summary>When the token stops working; default one hour from now, at most 24 hours.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>When it starts working; default one hour ago.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Required to fetch MP4 and M4A downloads with the token.</summary>
    public bool? Downloadable { get; init; }

    public IReadOnlyList<AccessRule>? AccessRules { get; init; }
}

internal sealed record TokenResult([property: JsonPropertyName("token")] string Token);

public sealed record DirectUploadCreateParams : AccountParams
{
    /// <summary>The longest video the upload may be, in seconds. Required.</summary>
    public required int MaxDurationSeconds { get; init; }

    /// <summary>When the upload URL stops working; default 30 minutes from now, at most 6 hours.</summary>
    public DateTimeOffset? Expiry { get; init; }

    public string? Creator { get; init; }

    public IReadOnlyDictionary<string, System.Text.Json.JsonElement>? Meta { get; init; }

    public bool? RequireSignedUrls { get; init; }

    /// <summary>Origins whose pages may upload from a browser (and later fetch the media).</summary>
    public IReadOnlyList<string>? AllowedOrigins { get; init; }
}

/// <summary>A direct creator upload: the waiting video's uid and the URL that takes its file, once.</summary>
public sealed record DirectUploadResponse
{
    [JsonPropertyName("uid")]
    public string Uid { get; init; } = "";

    [JsonPropertyName("uploadURL")]
    public string UploadUrl { get; init; } = "";

    [JsonPropertyName("scheduledDeletion")]
    public DateTimeOffset? ScheduledDeletion { get; init; }
}
