using Downstream.Server.Api;
using Downstream.Server.Hosting.OpenApi;
using Downstream.Server.Media;
using Downstream.Server.Storage.Sql;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Downstream.Server.Hosting;

public sealed record HealthDto(string Status, string Database, string Ffmpeg, string Ffprobe);

/// <summary><c>GET /health</c>: 200 while the database answers; ffmpeg was checked at start.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", Check).WithTags("Operations").WithSummary("Health").NoCredential();
        return routes;
    }

    public static async Task<Results<Ok<Envelope<HealthDto>>, JsonHttpResult<Envelope<object>>>> Check(
        ISqlDatabase database, FfmpegInfo ffmpeg, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM accounts";
            await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            loggers.CreateLogger(typeof(HealthApi)).LogError(ex, "Health check: database unusable");
            return TypedResults.Json(
                Envelope.Fail(new ApiMessage(ApiErrors.InternalCode, "The database is not usable: " + ex.Message)),
                ApiJsonContext.Default.EnvelopeObject, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return TypedResults.Ok(Envelope.Ok(new HealthDto("ok", "ok", ffmpeg.FfmpegVersion, ffmpeg.FfprobeVersion)));
    }
}
