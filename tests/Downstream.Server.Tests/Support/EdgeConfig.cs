namespace Downstream.Server.Tests.Support;

/// <summary>
/// The shipped <c>deploy/nginx/downstream.conf</c> with its "edit" lines filled in, wrapped in a whole nginx.conf
/// whose files all live in one folder. Shared by the edge tests and <c>scripts/bench</c> (linked there), whose bare
/// nginx baseline uses the same wrapper.
/// </summary>
public static class EdgeConfig
{
    public static string Write(string repositoryRoot, string folder, int listenPort, IEnumerable<string> upstreams, string mediaDir)
    {
        var shipped = File.ReadAllText(Path.Combine(repositoryRoot, "deploy", "nginx", "downstream.conf"));
        var media = mediaDir.TrimEnd('/') + "/";
        var edited = 0;
        var lines = new List<string>();
        foreach (var line in shipped.Split('\n'))
        {
            var text = line.TrimStart();
            if (text.StartsWith("server 127.0.0.1:8080;", StringComparison.Ordinal))
            {
                lines.AddRange(upstreams.Select(u => $"    server {u};"));
                edited++;
            }
            else if (text.StartsWith("listen 80;", StringComparison.Ordinal))
            {
                lines.Add($"    listen 127.0.0.1:{listenPort};");
                edited++;
            }
            else if (text.StartsWith("alias /var/lib/downstream/media/;", StringComparison.Ordinal))
            {
                lines.Add($"        alias {media};");
                edited++;
            }
            else
            {
                lines.Add(line);
            }
        }

        if (edited != 3)
        {
            throw new InvalidOperationException($"deploy/nginx/downstream.conf no longer has its three 'edit' lines as expected ({edited} found).");
        }

        File.WriteAllText(Path.Combine(folder, "downstream.conf"), string.Join('\n', lines));
        return WriteMain(folder, $"include {folder}/downstream.conf;");
    }

    /// <summary>A whole nginx.conf around <paramref name="http"/> (the inside of its http block), all its files in <paramref name="folder"/>.</summary>
    public static string WriteMain(string folder, string http)
    {
        var user = Environment.UserName == "root" ? "user root;" : "";
        var config = Path.Combine(folder, "nginx.conf");
        File.WriteAllText(config, $$"""
            {{user}}
            daemon off;
            worker_processes auto;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log;
            events { worker_connections 4096; }
            http {
                access_log off;
                keepalive_requests 1000000;
                types { video/mp4 mp4; audio/mp4 m4a; }
                default_type application/octet-stream;
                client_body_temp_path {{folder}}/body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
                {{http}}
            }
            """);
        return config;
    }
}
