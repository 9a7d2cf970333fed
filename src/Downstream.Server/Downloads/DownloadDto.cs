namespace Downstream.Server.Downloads;

/// <summary>One entry of the downloads map: <c>{status, percentComplete, url}</c>.</summary>
public sealed record DownloadDto(string Status, double PercentComplete, string Url);
