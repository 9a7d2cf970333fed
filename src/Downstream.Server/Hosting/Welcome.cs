namespace Downstream.Server.Hosting;

/// <summary>The first-start banner: the new token (shown once) and curl lines ready to paste.</summary>
public static class Welcome
{
    public static void Print(TextWriter output, string baseUrl, BootstrapResult bootstrap)
    {
        var api = $"{baseUrl}/client/v4/accounts/{bootstrap.AccountId}/stream";
        output.WriteLine();
        output.WriteLine($"Downstream is listening on {baseUrl} (account {bootstrap.AccountId}).");
        if (bootstrap.NewToken is { } token)
        {
            output.WriteLine("A read-write API token was created. It is shown this once; keep it:");
            output.WriteLine($"  export DOWNSTREAM_TOKEN={token}");
        }
        else
        {
            output.WriteLine("Use your API token (scripts/server tokens create makes one) as DOWNSTREAM_TOKEN:");
        }

        output.WriteLine("Try it:");
        output.WriteLine($"  VIDEO_ID=$(curl -s -H \"Authorization: Bearer $DOWNSTREAM_TOKEN\" -F file=@my-video.mp4 {api} | sed -n 's/.*\"uid\":\"\\([0-9a-f]*\\)\".*/\\1/p')");
        output.WriteLine($"  curl -s -X POST -H \"Authorization: Bearer $DOWNSTREAM_TOKEN\" {api}/$VIDEO_ID/downloads");
        output.WriteLine($"  curl -s -X POST -H \"Authorization: Bearer $DOWNSTREAM_TOKEN\" {api}/$VIDEO_ID/downloads/audio");
        output.WriteLine($"  curl -s -H \"Authorization: Bearer $DOWNSTREAM_TOKEN\" {api}/$VIDEO_ID/downloads");
        output.WriteLine($"  curl -o video.mp4 {baseUrl}/$VIDEO_ID/downloads/default.mp4 && curl -o audio.m4a {baseUrl}/$VIDEO_ID/downloads/audio.m4a");
        output.WriteLine();
    }
}
