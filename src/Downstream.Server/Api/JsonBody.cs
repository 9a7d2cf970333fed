using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Downstream.Server.Api;

/// <summary>
/// Reads an optional JSON body. No body, any content type, and <c>{}</c> are all accepted, as the
/// official SDKs send each of them; broken JSON is a 400 and a body over 1 MiB a 413.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 1024 * 1024;

    /// <summary>Any JSON value, or null when there is no body.</summary>
    public static async Task<JsonElement?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return null;
        }

        // JsonDocument checks UTF-8 inside strings only when they are read; check it all here.
        if (!System.Text.Unicode.Utf8.IsValid(bytes.Span))
        {
            throw ApiErrors.BadRequest("The request body is not valid UTF-8.");
        }

        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw ApiErrors.BadRequest($"The request body is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>A JSON object, or null when there is no body; any other JSON value is a 400.</summary>
    public static async Task<JsonElement?> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await ReadAsync(request, cancellationToken);
        if (body is { ValueKind: not JsonValueKind.Object } other)
        {
            throw ApiErrors.BadRequest($"The request body must be a JSON object, not {other.ValueKind}.");
        }

        return body;
    }

    private static ApiException TooLarge() => ApiErrors.TooLarge($"The JSON body is larger than {MaxBytes} bytes.");
}
