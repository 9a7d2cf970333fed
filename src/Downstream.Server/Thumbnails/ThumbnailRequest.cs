using System.Globalization;
using System.Text.RegularExpressions;
using Downstream.Server.Api;

namespace Downstream.Server.Thumbnails;

/// <summary>
/// What a thumbnail URL asks for, as Cloudflare reads it: <c>time</c> (<c>12s</c>, <c>1.5s</c>, <c>2m</c>,
/// <c>1m30s</c> or plain seconds; default the video's <c>thumbnailTimestampPct</c> of its duration),
/// <c>width</c> and <c>height</c> in pixels, and <c>fit</c>: <c>crop</c> (default: fill the box, cut the
/// overflow), <c>clip</c> (fit inside, never enlarged), <c>scale</c> (fit inside) or <c>fill</c> (fit inside,
/// padded with black to the box).
/// </summary>
public sealed partial record ThumbnailRequest(double? Time, int? Width, int? Height, string Fit)
{
    public const int MaxSide = 2000;
    public static readonly IReadOnlyList<string> Fits = ["crop", "clip", "scale", "fill"];

    public static ThumbnailRequest Parse(IQueryCollection query)
    {
        var fit = query["fit"].ToString() is { Length: > 0 } f ? f.ToLowerInvariant() : "crop";
        if (!Fits.Contains(fit))
        {
            throw ApiErrors.InvalidParameter("fit", ApiErrors.Shorten(fit), "must be one of " + string.Join(", ", Fits));
        }

        return new ThumbnailRequest(ParseTime(query["time"].ToString()), Side(query, "width"), Side(query, "height"), fit);
    }

    /// <summary>The second to take the frame at: the asked time, else the video's own thumbnail position.</summary>
    public double SecondFor(double duration, double thumbnailTimestampPct)
    {
        if (Time is { } time)
        {
            if (duration > 0 && time > duration)
            {
                throw ApiErrors.InvalidParameter("time", time.ToString("0.###", CultureInfo.InvariantCulture) + "s",
                    $"is past the end of the video ({duration.ToString("0.###", CultureInfo.InvariantCulture)} s)");
            }

            return time;
        }

        // The very end has no frame to decode: stay a little before it.
        return Math.Max(0, Math.Min(duration * thumbnailTimestampPct, duration - 0.1));
    }

    private static int? Side(IQueryCollection query, string name)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= MaxSide
            ? value
            : throw ApiErrors.InvalidParameter(name, ApiErrors.Shorten(text), $"must be a whole number of pixels from 1 to {MaxSide}");
    }

    private static double? ParseTime(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        var match = TimePattern().Match(text);
        if (!match.Success || (!match.Groups["h"].Success && !match.Groups["m"].Success && !match.Groups["s"].Success))
        {
            throw ApiErrors.InvalidParameter("time", ApiErrors.Shorten(text), "must be a time such as 12s, 1.5s, 2m or 1m30s");
        }

        double Part(string group) => match.Groups[group].Success ? double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        return (Part("h") * 3600) + (Part("m") * 60) + Part("s");
    }

    [GeneratedRegex(@"^(?:(?<h>\d{1,3})h)?(?:(?<m>\d{1,4})m)?(?:(?<s>\d{1,6}(?:\.\d{1,3})?)s?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex TimePattern();
}
