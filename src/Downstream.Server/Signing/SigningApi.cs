using System.Globalization;
using System.Text.Json.Serialization;
using Downstream.Server.Api;
using Downstream.Server.Hosting;
using Downstream.Server.Hosting.OpenApi;
using Downstream.Server.Videos;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Signing;

public sealed record KeyCreatedDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("pem")] string Pem,
    [property: JsonPropertyName("jwk")] string Jwk,
    [property: JsonPropertyName("created")] string Created);

public sealed record KeyDto([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("created")] string Created);

public sealed record TokenDto([property: JsonPropertyName("token")] string Token);

/// <summary>Signing keys (<c>/stream/keys</c>) and signed tokens (<c>/stream/{identifier}/token</c>).</summary>
public static class SigningApi
{
    public static RouteGroupBuilder MapSigningApi(this RouteGroupBuilder stream)
    {
        var keys = stream.MapGroup("/keys").WithTags("Stream Signing Keys");
        keys.MapPost("", CreateKey).WithSummary("Create signing keys").ProducesErrors();
        keys.MapGet("", ListKeys).WithSummary("List signing keys").ProducesErrors();
        keys.MapDelete("/{identifier}", DeleteKey).WithSummary("Delete signing keys").ProducesErrors();
        stream.MapPost("/{identifier}/token", CreateToken).WithTags("Stream Videos").WithSummary("Create signed URL tokens for videos")
            .WithRequestBody<SignedTokenRequest>("application/json").ProducesErrors();
        return stream;
    }

    /// <summary>Any body or none is accepted; the private key is in this answer only.</summary>
    public static async Task<Ok<Envelope<KeyCreatedDto>>> CreateKey(
        [FromRoute(Name = "account_id")] string accountId, HttpRequest request, SigningKeyService keys, CancellationToken cancellationToken)
    {
        await JsonBody.ReadAsync(request, cancellationToken);
        var made = await keys.CreateAsync(accountId, cancellationToken);
        return TypedResults.Ok(Envelope.Ok(new KeyCreatedDto(made.Key.Id, made.PemBase64, made.JwkBase64, Time(made.Key.Created))));
    }

    public static async Task<Ok<Envelope<List<KeyDto>>>> ListKeys(
        [FromRoute(Name = "account_id")] string accountId, SigningKeyService keys, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.Ok((await keys.ListAsync(accountId, cancellationToken)).Select(k => new KeyDto(k.Id, Time(k.Created))).ToList()));

    public static async Task<Ok<Envelope<string>>> DeleteKey(
        [FromRoute(Name = "account_id")] string accountId, string identifier, SigningKeyService keys, CancellationToken cancellationToken)
    {
        await keys.DeleteAsync(accountId, identifier, cancellationToken);
        return TypedResults.Ok(Envelope.Ok("Revoked"));
    }

    public static async Task<Ok<Envelope<TokenDto>>> CreateToken(
        [FromRoute(Name = "account_id")] string accountId, string identifier, HttpRequest request,
        VideoService videos, TokenIssuer issuer, IOptions<DownstreamOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        var video = await videos.GetAsync(accountId, identifier, cancellationToken);
        var token = TokenRequest.Parse(body, time.GetUtcNow(), countryKnown: options.Value.TrustCountryHeader);
        return TypedResults.Ok(Envelope.Ok(new TokenDto(await issuer.IssueAsync(accountId, video.Uid, token, cancellationToken))));
    }

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
