using System.Net.Sockets;
using System.Text;

namespace Downstream.Server.Tests.Support;

/// <summary>
/// Sends bytes exactly as given over a socket: request lines HttpClient would normalise or refuse
/// (dot segments, raw unicode, broken headers) reach the server as written.
/// </summary>
public static class RawHttp
{
    public sealed record Response(int Status, string Head, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);

        public string? Header(string name) => Head.Split("\r\n")
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(parts => parts[1].Trim())
            .FirstOrDefault();
    }

    public static async Task<Response> SendAsync(int port, string method, string target, IEnumerable<string>? headers = null, byte[]? body = null)
    {
        var head = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
        foreach (var header in headers ?? [])
        {
            head.Append(header).Append("\r\n");
        }

        if (body is not null)
        {
            head.Append($"Content-Length: {body.Length}\r\n");
        }

        head.Append("\r\n");
        return await SendBytesAsync(port, [.. Encoding.UTF8.GetBytes(head.ToString()), .. body ?? []]);
    }

    public static async Task<Response> SendBytesAsync(int port, byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        using var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await stream.WriteAsync(request, timeout.Token);
        }
        catch (IOException)
        {
            // The server may answer and close before reading all of an oversized request.
        }

        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, timeout.Token);
        }
        catch (IOException)
        {
        }

        var bytes = received.ToArray();
        var split = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (split < 0)
        {
            return new Response(0, Encoding.ASCII.GetString(bytes), []);
        }

        var headText = Encoding.ASCII.GetString(bytes, 0, split);
        var status = int.Parse(headText.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var body = bytes[(split + 4)..];
        if (headText.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new Response(status, headText, body);
    }

    private static byte[] Dechunk(byte[] data)
    {
        using var output = new MemoryStream();
        var position = 0;
        while (position < data.Length)
        {
            var lineEnd = data.AsSpan(position).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(data, position, lineEnd).Split(';')[0], 16);
            position += lineEnd + 2;
            if (size == 0)
            {
                break;
            }

            output.Write(data, position, Math.Min(size, data.Length - position));
            position += size + 2;
        }

        return output.ToArray();
    }
}
