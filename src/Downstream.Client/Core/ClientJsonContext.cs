using System.Text.Json;
using System.Text.Json.Serialization;
using Downstream.Client.Models;

namespace Downstream.Client.Core;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Envelope))]
[JsonSerializable(typeof(Video))]
[JsonSerializable(typeof(List<Video>))]
[JsonSerializable(typeof(Download))]
[JsonSerializable(typeof(DownloadGetResponse))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(SigningKey))]
[JsonSerializable(typeof(List<SigningKey>))]
[JsonSerializable(typeof(List<AccessRule>))]
[JsonSerializable(typeof(TokenResult))]
[JsonSerializable(typeof(DirectUploadResponse))]
[JsonSerializable(typeof(Webhook))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
