using System.Text.Json;
using System.Text.Json.Serialization;

namespace Downstream.Client.Models;

/// <summary>
/// Reads and writes a string-valued type as a plain JSON string, so a value the server adds later
/// deserializes instead of throwing.
/// </summary>
public sealed class StringValueConverter<T> : JsonConverter<T>
    where T : struct, IStringValue<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        T.From(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

/// <summary>A value that is a string on the wire with a few well-known values.</summary>
public interface IStringValue<TSelf>
    where TSelf : struct, IStringValue<TSelf>
{
    string Value { get; }

    static abstract TSelf From(string value);
}
