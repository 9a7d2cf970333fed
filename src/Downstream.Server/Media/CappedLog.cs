using System.Text;

namespace Downstream.Server.Media;

/// <summary>A UTF-8 line log that stops writing at a size limit, saying so once, so no job can fill the disk with its log.</summary>
public sealed class CappedLog(string path, long maxBytes) : IAsyncDisposable
{
    private readonly StreamWriter _writer = new(path, append: true, new UTF8Encoding(false)) { AutoFlush = true };
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _written = new FileInfo(path).Length;
    private bool _full;

    public async Task WriteLineAsync(string line)
    {
        await _gate.WaitAsync();
        try
        {
            if (_full)
            {
                return;
            }

            var bytes = Encoding.UTF8.GetByteCount(line) + 1;
            if (_written + bytes > maxBytes)
            {
                _full = true;
                await _writer.WriteLineAsync($"[log truncated at {maxBytes} bytes]");
                return;
            }

            _written += bytes;
            await _writer.WriteLineAsync(line);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        _gate.Dispose();
    }
}
