using System.Text;
using System.Text.Json;
using Tollgate.Api.Auth;

namespace Tollgate.Audit;

/// <summary>
/// Records every admin API call that is not a read (any method but GET/HEAD/OPTIONS under <c>/api</c>), whether it
/// succeeded, was refused (401, 403, 409, ...) or threw: a middleware rather than a call in each handler, so a route
/// added later is audited without anyone remembering to. Sits outside <see cref="AdminAuthMiddleware"/> so refused
/// calls are seen, and reads the caller it set afterwards.
/// <code>
/// request ─► read body (≤ 64 KiB, rewound) ─► before = target's state ─► auth + handler ─► after ─► AuditLog.Record
/// </code>
/// </summary>
internal sealed class AuditMiddleware(RequestDelegate next, AuditLog audit, AuditSnapshots snapshots)
{
    private const string LoginPattern = "/api/auth/login";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments("/api") || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
            || HttpMethods.IsOptions(request.Method))
        {
            await next(context);
            return;
        }

        var pattern = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? request.Path.Value!;
        if (!pattern.StartsWith('/'))
        {
            pattern = "/" + pattern;
        }

        var body = await ReadBodyAsync(request);
        var id = RouteId(context) ?? BodyId(body);
        var readable = AuditSnapshots.Readable(pattern);
        var before = readable ? SecretScrubber.Scrub(snapshots.Read(pattern, id)) : null;
        var status = StatusCodes.Status500InternalServerError;
        try
        {
            await next(context);
            status = context.Response.StatusCode;
        }
        finally
        {
            var after = readable ? SecretScrubber.Scrub(snapshots.Read(pattern, id)) : null;
            var (kind, actor) = Actor(context, pattern, body);
            audit.Record(new AuditEntry
            {
                ActorKind = kind,
                Actor = actor,
                Source = context.Connection.RemoteIpAddress?.ToString() ?? string.Empty,
                Action = $"{request.Method} {pattern}",
                Target = request.Path.Value!,
                Status = status,
                Before = before,
                After = after ?? (before is null || !readable ? SecretScrubber.Scrub(body) : null),
            });
        }
    }

    private static (string Kind, string Name) Actor(HttpContext context, string pattern, string? body)
    {
        if (context.Features.Get<AdminCaller>() is { } caller)
        {
            return !caller.HasSession && caller.Username == AdminCaller.TokenUsername ? ("token", caller.Username) : ("user", caller.Username);
        }

        // A sign-in names who tried, whether it worked or not; the password is masked in the body like any secret.
        if (pattern == LoginPattern && Field(body, "username") is { Length: > 0 } username)
        {
            return ("user", username.Length > 64 ? username[..64] : username);
        }

        return ("anonymous", "-");
    }

    private static string? RouteId(HttpContext context)
    {
        var values = context.Request.RouteValues;
        foreach (var name in (string[])["id", "name", "username"])
        {
            if (values.TryGetValue(name, out var value) && value?.ToString() is { Length: > 0 } text)
            {
                return text;
            }
        }

        return null;
    }

    private static string? BodyId(string? body) => Field(body, "id") ?? Field(body, "username");

    private static string? Field(string? body, string name)
    {
        if (body is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or text that does not transcode (an unpaired surrogate escape): the entry keeps no id from it;
            // the handler behind answers the body's 400 itself.
            return null;
        }
    }

    private static async Task<string?> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentLength is 0 || !(request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return null;
        }

        request.EnableBuffering();
        var buffer = new byte[SecretScrubber.MaxLength + 1];
        var read = 0;
        while (read < buffer.Length && await request.Body.ReadAsync(buffer.AsMemory(read)) is > 0 and var n)
        {
            read += n;
        }

        request.Body.Position = 0;
        return read > SecretScrubber.MaxLength ? "\"(body over 64 KiB, not kept)\"" : Encoding.UTF8.GetString(buffer, 0, read);
    }
}
