using System.Text.Json.Serialization;

namespace Downstream.Server.Signing;

[JsonSerializable(typeof(List<AccessRule>))]
internal sealed partial class SigningJsonContext : JsonSerializerContext;
