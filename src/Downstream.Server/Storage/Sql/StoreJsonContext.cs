using System.Text.Json.Serialization;
using Downstream.Server.Media;

namespace Downstream.Server.Storage.Sql;

[JsonSerializable(typeof(MediaInfo))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
