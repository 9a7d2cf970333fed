using Downstream.Client.Core;
using Downstream.Client.Models;

namespace Downstream.Client.Services;

/// <summary>Signing keys of an account: <c>client.Stream.Keys</c>.</summary>
public sealed class KeyService
{
    private static readonly System.Text.Json.JsonElement EmptyObject = System.Text.Json.JsonDocument.Parse("{}").RootElement.Clone();
    private readonly ApiTransport _transport;

    internal KeyService(ApiTransport transport) => _transport = transport;

    /// <summary>Creates an RSA key; keep <see cref="SigningKey.Pem"/> or <see cref="SigningKey.Jwk"/>, they are not shown again.</summary>
    public Task<SigningKey> Create(KeyCreateParams parameters, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Post, $"{Paths.Stream(parameters.AccountId)}/keys", () => ApiTransport.Json(EmptyObject),
            ClientJsonContext.Default.SigningKey, cancellationToken, creates: true);

    /// <summary>The account's keys, ids and creation times only.</summary>
    public Task<List<SigningKey>> List(KeyListParams parameters, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Get, $"{Paths.Stream(parameters.AccountId)}/keys", null, ClientJsonContext.Default.ListSigningKey, cancellationToken);

    /// <summary>Deletes a key: every token it signed stops working. Returns the server's <c>"Revoked"</c>.</summary>
    public Task<string> Delete(string keyId, KeyDeleteParams parameters, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Delete, $"{Paths.Stream(parameters.AccountId)}/keys/{Paths.Segment(keyId, "identifier")}", null,
            ClientJsonContext.Default.String, cancellationToken);
}
