using System.Text.Json.Serialization;
using Downstream.Server.Auth;
using Downstream.Server.Downloads;
using Downstream.Server.Hosting;
using Downstream.Server.Videos;

namespace Downstream.Server.Api;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Envelope<object>))]
[JsonSerializable(typeof(Envelope<string>))]
[JsonSerializable(typeof(Envelope<VideoDto>))]
[JsonSerializable(typeof(VideoDto))]
[JsonSerializable(typeof(Webhooks.DownloadEventDto))]
[JsonSerializable(typeof(Envelope<Webhooks.WebhookDto>))]
[JsonSerializable(typeof(VideoListEnvelope))]
[JsonSerializable(typeof(Envelope<Dictionary<string, DownloadDto>>))]
[JsonSerializable(typeof(Envelope<TokenVerifyDto>))]
[JsonSerializable(typeof(Envelope<HealthDto>))]
[JsonSerializable(typeof(Dictionary<string, DownloadDto>))]
[JsonSerializable(typeof(Envelope<Signing.KeyCreatedDto>))]
[JsonSerializable(typeof(Envelope<List<Signing.KeyDto>>))]
[JsonSerializable(typeof(Envelope<Signing.TokenDto>))]
[JsonSerializable(typeof(Envelope<DirectUploadDto>))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
