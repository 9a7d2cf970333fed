using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Downstream.Server.Api;

namespace Downstream.Server.Tus;

/// <summary>What an <c>Upload-Metadata</c> header asks of the new video, as the JSON fields of a video edit.</summary>
/// <param name="Fields">The fields <see cref="Videos.VideoEdit.Apply"/> reads (<c>meta</c>, <c>requireSignedURLs</c>, ...).</param>
/// <param name="Expiry">The <c>expiry</c> key: until when the upload may start; null when absent.</param>
public sealed record UploadMetadata(JsonObject Fields, DateTimeOffset? Expiry)
{
    private const int MaxHeaderLength = 16 * 1024;

    /// <summary>
    /// Reads <c>key base64value</c> pairs joined by commas (spaces around pairs allowed, a value may be left out).
    /// Keys Cloudflare reads are matched case-insensitively and become video fields; any other key goes into
    /// <c>meta</c> as it was sent. A malformed header is a 400 naming the pair.
    /// </summary>
    public static UploadMetadata Parse(string? header)
    {
        var fields = new JsonObject();
        var meta = new JsonObject();
        DateTimeOffset? expiry = null;
        if (string.IsNullOrWhiteSpace(header))
        {
            return new UploadMetadata(fields, null);
        }

        if (header.Length > MaxHeaderLength)
        {
            throw ApiErrors.BadRequest($"Upload-Metadata is longer than {MaxHeaderLength} characters.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var space = pair.IndexOf(' ', StringComparison.Ordinal);
            var key = space < 0 ? pair : pair[..space];
            var value = space < 0 ? null : Decode(key, pair[(space + 1)..].Trim());
            if (!seen.Add(key))
            {
                throw ApiErrors.BadRequest($"Upload-Metadata names the key '{ApiErrors.Shorten(key)}' twice.");
            }

            switch (key.ToLowerInvariant())
            {
                case "name":
                    meta["name"] = value ?? "";
                    break;
                case "requiresignedurls":
                    // Presence is the switch (Cloudflare's own examples send it without a value).
                    fields["requireSignedURLs"] = true;
                    break;
                case "allowedorigins":
                    fields["allowedOrigins"] = new JsonArray([.. (value ?? "")
                        .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                        .Select(origin => (JsonNode)JsonValue.Create(origin))]);
                    break;
                case "thumbnailtimestamppct":
                    fields["thumbnailTimestampPct"] = Number(key, value);
                    break;
                case "maxdurationseconds":
                    fields["maxDurationSeconds"] = Number(key, value);
                    break;
                case "scheduleddeletion":
                    fields["scheduledDeletion"] = value;
                    break;
                case "expiry":
                    expiry = Time(key, value);
                    break;
                case "watermark":
                    // Watermark profiles do not exist here; the key is read so it does not land in meta.
                    break;
                default:
                    meta[key] = value ?? "";
                    break;
            }
        }

        if (meta.Count > 0)
        {
            fields["meta"] = meta;
        }

        return new UploadMetadata(fields, expiry);
    }

    private static string Decode(string key, string base64)
    {
        if (key.Length == 0)
        {
            throw ApiErrors.BadRequest("Upload-Metadata has a pair without a key.");
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(base64));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            throw ApiErrors.BadRequest($"Upload-Metadata: the value of '{ApiErrors.Shorten(key)}' is not base64-encoded UTF-8.");
        }
    }

    private static JsonValue Number(string key, string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? JsonValue.Create(number)
            : throw ApiErrors.BadRequest($"Upload-Metadata: '{ApiErrors.Shorten(key)}' must be a number.");

    private static DateTimeOffset Time(string key, string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw ApiErrors.BadRequest($"Upload-Metadata: '{ApiErrors.Shorten(key)}' must be an RFC 3339 date-time.");
}
