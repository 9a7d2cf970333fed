using Downstream.Server.Api;
using Downstream.Server.Auth;
using Downstream.Server.Downloads;
using Downstream.Server.Hosting.Metrics;
using Downstream.Server.Hosting.OpenApi;
using Downstream.Server.Jobs;
using Downstream.Server.Media;
using Downstream.Server.Storage;
using Downstream.Server.Storage.Postgres;
using Downstream.Server.Storage.Sql;
using Downstream.Server.Storage.Sqlite;
using Downstream.Server.Videos;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Hosting;

public static class ServiceRegistration
{
    /// <summary>Options, stores, media tools, jobs and API services of the server.</summary>
    public static WebApplicationBuilder AddDownstream(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddDownstreamEnvironment();
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:8080");
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = JsonBody.MaxBytes;
        });

        var services = builder.Services;
        services.AddOptions<DownstreamOptions>()
            .BindConfiguration(DownstreamOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        services.AddApiDocument();
        services.AddDownstreamMetrics(MetricsSetup.On(builder.Configuration));
        if (builder.Configuration[$"{DownstreamOptions.SectionName}:{nameof(DownstreamOptions.LogFormat)}"] is "json")
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
        }

        services.AddSingleton(TimeProvider.System);

        if (builder.Configuration[$"{DownstreamOptions.SectionName}:{nameof(DownstreamOptions.Postgres)}"] is { Length: > 0 } postgres)
        {
            services.AddSingleton(sp => new PostgresDatabase(postgres, sp.GetRequiredService<ILogger<PostgresChangeStamp>>()));
            services.AddSingleton<ISqlDatabase>(sp => sp.GetRequiredService<PostgresDatabase>());
            services.AddSingleton<IChangeStamp>(sp => sp.GetRequiredService<PostgresDatabase>().Stamp);
        }
        else
        {
            services.AddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<IOptions<DownstreamOptions>>().Value.DatabasePath));
            services.AddSingleton<ISqlDatabase>(sp => sp.GetRequiredService<SqliteDatabase>());
            services.AddSingleton(sp => new SqliteChangeStamp(sp.GetRequiredService<SqliteDatabase>().Path));
            services.AddSingleton<IChangeStamp>(sp => sp.GetRequiredService<SqliteChangeStamp>());
        }

        services.AddSingleton<IVideoStore, SqlVideoStore>();
        services.AddSingleton<IDownloadStore, SqlDownloadStore>();
        services.AddSingleton<IJobQueue, SqlJobQueue>();
        services.AddSingleton<ICredentialStore, SqlCredentialStore>();
        services.AddSingleton<ISigningKeyStore, SqlSigningKeyStore>();
        services.AddSingleton<IDirectUploadStore, SqlDirectUploadStore>();
        services.AddSingleton<ITusUploadStore, SqlTusUploadStore>();
        services.AddSingleton<IWebhookStore, SqlWebhookStore>();
        services.AddSingleton<Webhooks.WebhookPayloads>();
        services.AddSingleton<WebhookOutbox>();
        services.AddSingleton<Tus.ITusDataStore>(sp => sp.GetRequiredService<IBlobStore>() is LocalBlobStore local
            ? new Tus.LocalTusData(local)
            : new Tus.BlobChunkTusData(sp.GetRequiredService<IBlobStore>()));
        services.AddSingleton<Signing.SigningKeyService>();
        services.AddSingleton<Signing.TokenIssuer>();
        services.AddSingleton<Signing.TokenVerifier>();
        services.AddSingleton<IBlobStore>(sp => CreateBlobStore(sp.GetRequiredService<IOptions<DownstreamOptions>>().Value));

        services.AddSingleton(sp => FfmpegValidator
            .ValidateAsync(sp.GetRequiredService<IOptions<DownstreamOptions>>().Value, CancellationToken.None).GetAwaiter().GetResult());
        services.AddSingleton<FfmpegRunner>();
        services.AddSingleton<MediaProber>();

        services.AddSingleton<Authenticator>();
        services.AddSingleton<StreamAccessFilter>();
        services.AddSingleton<Bootstrap>();
        services.AddSingleton<PublicUrls>();

        services.AddSingleton<RunningJobs>();
        services.AddSingleton<JobSignal>();
        services.AddSingleton<JobLogs>();
        services.AddSingleton<IJobHandler, DownloadJobHandler>();
        services.AddSingleton<IJobHandler, CopyJobHandler>();
        services.AddSingleton<IJobHandler, IngestJobHandler>();
        if (builder.Configuration[$"{DownstreamOptions.SectionName}:{nameof(DownstreamOptions.Role)}"] is not NodeRoles.Api)
        {
            services.AddHostedService<JobWorker>();
            services.AddHostedService<Janitor>();
            services.AddHostedService<Webhooks.WebhookDispatcher>();
        }

        services.AddSingleton<Network.IHostResolver, Network.DnsHostResolver>();
        services.AddSingleton(sp => new Network.OutboundPolicy(
            sp.GetRequiredService<Network.IHostResolver>(), sp.GetRequiredService<IOptions<DownstreamOptions>>()));
        services.AddSingleton<OriginFetcher>();
        services.AddHttpClient(OriginFetcher.HttpClientName, client =>
        {
            client.Timeout = Timeout.InfiniteTimeSpan;
            client.DefaultRequestHeaders.UserAgent.ParseAdd("Downstream/1.0 (copy from URL)");
        }).ConfigurePrimaryHttpMessageHandler(sp => Network.GuardedConnector.CreateHandler(
            sp.GetRequiredService<Network.OutboundPolicy>(), sp.GetRequiredService<IOptions<DownstreamOptions>>().Value.CopyConnectTimeout));

        services.AddHttpClient(Webhooks.WebhookDispatcher.HttpClientName, client =>
        {
            client.Timeout = Timeout.InfiniteTimeSpan;
            client.DefaultRequestHeaders.UserAgent.ParseAdd("Downstream/1.0 (webhooks)");
        }).ConfigurePrimaryHttpMessageHandler(sp => Network.GuardedConnector.CreateHandler(
            sp.GetRequiredService<Network.OutboundPolicy>(), sp.GetRequiredService<IOptions<DownstreamOptions>>().Value.CopyConnectTimeout));

        services.AddAccessLog();
        services.AddSingleton<VideoIngest>();
        services.AddSingleton<UploadSlots>();
        services.AddSingleton(sp => new DiskSpace(sp.GetRequiredService<IOptions<DownstreamOptions>>()));
        services.AddSingleton<VideoService>();
        services.AddSingleton<DirectUploadService>();
        services.AddSingleton<Tus.TusService>();
        services.AddSingleton<Tus.TusExpiry>();
        services.AddSingleton<ISourceAssembler>(sp => sp.GetRequiredService<Tus.TusService>());
        services.AddSingleton<DownloadService>();
        services.AddSingleton<Delivery.MediaLookup>();
        services.AddSingleton<Delivery.DeliveryCache>();
        services.AddSingleton<Thumbnails.ThumbnailCache>();
        services.AddSingleton<Thumbnails.ThumbnailMaker>();
        if (builder.Configuration[$"{DownstreamOptions.SectionName}:{nameof(DownstreamOptions.Role)}"] is not NodeRoles.Worker)
        {
            services.AddHostedService<Delivery.DeliveryCacheSweeper>();
        }
        return builder;
    }

    /// <summary>The media store the settings name: an S3 bucket, or the data folder's <c>media</c>.</summary>
    private static IBlobStore CreateBlobStore(DownstreamOptions options)
    {
        if (!options.UsesS3)
        {
            return new LocalBlobStore(Path.Combine(options.FullDataDir, "media"));
        }

        if (string.IsNullOrEmpty(options.S3Endpoint) || string.IsNullOrEmpty(options.S3Bucket))
        {
            throw new OptionsValidationException(DownstreamOptions.SectionName, typeof(DownstreamOptions),
                ["DOWNSTREAM_S3_ENDPOINT and DOWNSTREAM_S3_BUCKET must be set together."]);
        }

        return new Storage.S3.S3BlobStore(
            Storage.S3.S3BlobStore.CreateClient(options.S3Endpoint, options.S3Region), options.S3Bucket, options.FullScratchDir);
    }

    /// <summary>Creates the schema, checks ffmpeg and sets up credentials before the server listens.</summary>
    public static async Task<BootstrapResult> PrepareAsync(this IServiceProvider services, bool firstStartToken, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<DownstreamOptions>>().Value;
        var database = services.GetRequiredService<ISqlDatabase>();
        await database.MigrateAsync(cancellationToken);
        if (database is PostgresDatabase postgres)
        {
            await postgres.Stamp.StartAsync(cancellationToken);
        }

        if (services.GetRequiredService<IBlobStore>() is Storage.S3.S3BlobStore s3)
        {
            await s3.EnsureBucketAsync(cancellationToken);
        }

        OrphanedFfmpeg.Kill(
            options.UsesS3 ? options.FullScratchDir : Path.Combine(options.FullDataDir, "media"),
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OrphanedFfmpeg)));
        return await services.GetRequiredService<Bootstrap>().RunAsync(firstStartToken, cancellationToken);
    }
}
