using System.Globalization;
using System.Text.Json;
using Downstream.Server.Api;

namespace Downstream.Server.Videos;

/// <summary>
/// Applies the user-editable fields of a JSON body to a video (edit, copy and upload share them).
/// An absent field leaves the value alone; a wrong one is a 400 naming the field. Pure.
/// </summary>
public static class VideoEdit
{
    public const int MaxMetaBytes = 64 * 1024;
    public static readonly TimeSpan MinScheduledDeletion = TimeSpan.FromDays(30);

    public static Video Apply(Video video, JsonElement body, DateTimeOffset now)
    {
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            video = property.Name switch
            {
                "meta" => WithMeta(video, value),
                "creator" => video with { Creator = Creator(value) },
                "requireSignedURLs" => video with { RequireSignedUrls = Bool(value, "requireSignedURLs") },
                "allowedOrigins" => video with { AllowedOrigins = Origins(value) },
                "thumbnailTimestampPct" => video with { ThumbnailTimestampPct = Fraction(value) },
                "maxDurationSeconds" => video with { MaxDurationSeconds = MaxDuration(value) },
                "scheduledDeletion" => video with { ScheduledDeletion = Deletion(value, video.Uploaded ?? video.Created) },
                _ => video,
            };
        }

        return video with { Modified = now };
    }

    public static Video WithMeta(Video video, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return video with { Meta = "{}", Name = null };
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw ApiErrors.InvalidParameter("meta", null, "must be a JSON object");
        }

        var text = value.GetRawText();
        if (text.Length > MaxMetaBytes)
        {
            throw ApiErrors.InvalidParameter("meta", null, $"must be at most {MaxMetaBytes} bytes of JSON");
        }

        var name = value.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        return video with { Meta = text, Name = name };
    }

    public static string? Creator(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String when value.GetString()!.Length <= 64 => value.GetString(),
        _ => throw ApiErrors.InvalidParameter("creator", null, "must be a string of at most 64 characters, or null"),
    };

    /// <summary>The <c>Upload-Creator</c> header, held to the same 64 characters as <c>creator</c>.</summary>
    public static string UploadCreator(string value) =>
        value.Length <= 64 ? value : throw ApiErrors.InvalidParameter("Upload-Creator", value, "must be at most 64 characters");

    private static bool Bool(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw ApiErrors.InvalidParameter(name, null, "must be true or false"),
    };

    private static string Origins(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return "[]";
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > 100
            || value.EnumerateArray().Any(o => o.ValueKind != JsonValueKind.String || o.GetString()!.Length is 0 or > 253))
        {
            throw ApiErrors.InvalidParameter("allowedOrigins", null, "must be an array of at most 100 host names");
        }

        return value.GetRawText();
    }

    private static double Fraction(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.GetDouble() is >= 0 and <= 1
            ? value.GetDouble()
            : throw ApiErrors.InvalidParameter("thumbnailTimestampPct", null, "must be a number from 0 to 1");

    private static int MaxDuration(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var seconds) && seconds is >= 1 and <= 21600
            ? seconds
            : throw ApiErrors.InvalidParameter("maxDurationSeconds", null, "must be a whole number from 1 to 21600");

    private static DateTimeOffset? Deletion(JsonElement value, DateTimeOffset uploaded)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
        {
            throw ApiErrors.InvalidParameter("scheduledDeletion", null, "must be an RFC 3339 date-time, or null");
        }

        if (when < uploaded + MinScheduledDeletion)
        {
            throw ApiErrors.InvalidParameter(
                "scheduledDeletion", value.GetString(), "must be at least 30 days after the video was uploaded");
        }

        return when;
    }
}
