using System.Text.Json.Nodes;

namespace Tollgate.Emulator.Pipeline;

/// <summary>
/// Writes server-sent events one flush per event, as providers do, and carries out a drop-stream fault.
/// Each Write returns false once the connection has been cut, and the caller stops.
/// </summary>
internal sealed class SseWriter(HttpContext ctx, int? dropAfterEvents, int eventDelayMs)
{
    // Abort discards bytes still queued in Kestrel's transport; a short pause lets the flushed events reach the
    // client first, so "drop after N" really delivers N events.
    private const int DrainBeforeAbortMs = 50;

    private int _written;

    public static SseWriter For(HttpContext ctx) => new(ctx, ctx.Emu().Fault?.DropStreamAfterEvents, ctx.EmuState().StreamEventDelayMs);

    public async Task<bool> StartAsync(string contentType = "text/event-stream; charset=utf-8")
    {
        ctx.Response.StatusCode = StatusCodes.Status200OK;
        ctx.Response.ContentType = contentType;
        ctx.Response.Headers.CacheControl = "no-cache";
        await ctx.Response.StartAsync(ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        if (dropAfterEvents is <= 0)
        {
            await AbortAsync();
            return false;
        }

        return true;
    }

    public Task<bool> DataAsync(JsonNode data) => WriteAsync(null, JsonOut.Serialize(data));

    public Task<bool> EventAsync(string name, JsonNode data) => WriteAsync(name, JsonOut.Serialize(data));

    public Task<bool> WriteAsync(string? eventName, string data) =>
        WriteRawAsync(eventName is null ? $"data: {data}\n\n" : $"event: {eventName}\ndata: {data}\n\n");

    /// <summary>One event already framed (Gemini's CRLF framing, a JSON array's pieces).</summary>
    public Task<bool> WriteRawAsync(string frame) => WriteBytesAsync(System.Text.Encoding.UTF8.GetBytes(frame));

    /// <summary>One event as bytes (AWS event stream messages).</summary>
    public async Task<bool> WriteBytesAsync(byte[] frame)
    {
        if (eventDelayMs > 0 && _written > 0)
        {
            await Task.Delay(eventDelayMs, ctx.RequestAborted);
        }

        await ctx.Response.Body.WriteAsync(frame, ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        _written++;
        if (dropAfterEvents is int n && _written >= n)
        {
            await AbortAsync();
            return false;
        }

        return true;
    }

    private async Task AbortAsync()
    {
        await Task.Delay(DrainBeforeAbortMs, CancellationToken.None);
        ctx.Abort();
    }
}
