using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;
using Tollgate.Emulator.Providers;

namespace Tollgate.Emulator.Pipeline;

/// <summary>
/// Runs before every provider endpoint:
/// <code>
/// request ─► read body ─► journal + counters ─► fault? ─┬─ status fault: provider-shaped error, done
///                                                       ├─ delay: sleep (abort ends it), then continue
///                                                       └─ drop-stream: remembered for the SSE writer
///                                                  ─► endpoint (auth, validation, response)
/// </code>
/// Journaling comes before faults so tests can count every attempt a gateway makes, failed ones included.
/// </summary>
internal sealed class EmulatorPipeline(RequestJournal journal, FaultInjector faults, EmulatorState state)
{
    private const string ControlPrefix = "/_emulator";

    private static readonly JsonDocumentOptions NoDuplicates = new() { AllowDuplicateProperties = false };

    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        var request = ctx.Request;
        if (request.Path.StartsWithSegments(ControlPrefix))
        {
            await next(ctx);
            return;
        }

        var provider = ProviderNames.FromPath(request.Path);
        SetRequestIdHeader(ctx, provider);
        long sequence = 0;
        try
        {
            var body = await ReadBodyAsync(request, ctx.RequestAborted);
            var (json, invalidJson) = Parse(body);
            var credential = CredentialOf(request.Headers);
            var pathAndQuery = request.Path.Value + request.QueryString.Value;
            sequence = journal.Record(provider, request.Method, pathAndQuery, CopyHeaders(request.Headers), body, credential, DateTimeOffset.UtcNow).Sequence;
            state.CountRequest(provider);

            var emu = new EmulatorRequest
            {
                Provider = provider,
                Body = body,
                Json = json,
                InvalidJson = invalidJson,
                Credential = credential,
                // Gemini, Vertex and Bedrock say "stream" in the URL, not the body.
                IsStream = json?.GetBool("stream") == true || IsStreamPath(pathAndQuery),
            };
            ctx.Features.Set(emu);

            var fault = faults.TryTake(provider, pathAndQuery, credential, json?.GetString("model"), emu.IsStream);
            if (fault is not null)
            {
                if (fault.DelayMs > 0)
                {
                    await Task.Delay(fault.DelayMs, ctx.RequestAborted);
                }

                if (fault.Status > 0)
                {
                    await FaultResponder.WriteAsync(ctx, provider, fault);
                    return;
                }

                emu.Fault = fault;
            }

            try
            {
                await next(ctx);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException or ArgumentException && !ctx.Response.HasStarted)
            {
                // A field of the wrong type (a number where text belongs, an unpaired surrogate): real providers validate
                // their bodies and answer 400, so a fuzzed body must not make the emulator look like a failing upstream.
                await FaultResponder.WriteAsync(ctx, provider, new FaultRule { Status = 400, Message = $"Invalid request body: {e.Message}" });
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or a drop fault aborted us); there is nobody left to answer.
        }
        catch (IOException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // A write to a connection the client already closed.
        }
        finally
        {
            // Lets tests check that a gateway cancels its upstream call when its own client disconnects.
            if (ctx.RequestAborted.IsCancellationRequested && ctx.Features.Get<EmulatorRequest>()?.Fault?.DropStreamAfterEvents is null)
            {
                state.CountClientAbort(sequence);
            }
        }
    }

    private static void SetRequestIdHeader(HttpContext ctx, string provider)
    {
        var id = JsonOut.NewId("req_emu_");
        if (provider == ProviderNames.Anthropic)
        {
            ctx.Response.Headers["request-id"] = id;
        }
        else
        {
            ctx.Response.Headers["x-request-id"] = id;
        }
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength == 0)
        {
            return string.Empty;
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        return await reader.ReadToEndAsync(ct);
    }

    private static (JsonObject? Json, bool Invalid) Parse(string body)
    {
        var span = body.AsSpan().TrimStart();
        if (span.IsEmpty)
        {
            return (null, false);
        }

        // Cheap pre-check: form bodies (the OAuth token call) never start with a brace, and exceptions are slow.
        if (span[0] != '{')
        {
            return (null, true);
        }

        try
        {
            // A duplicate key is refused here, as a parse error, rather than thrown later by JsonObject's dictionary.
            return JsonNode.Parse(body, documentOptions: NoDuplicates) is JsonObject obj ? (obj, false) : (null, true);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a key that does not transcode (an unpaired surrogate escape).
            return (null, true);
        }
    }

    private static bool IsStreamPath(string pathAndQuery) =>
        pathAndQuery.Contains(":streamGenerateContent", StringComparison.Ordinal)
        || pathAndQuery.Contains("/converse-stream", StringComparison.Ordinal)
        || pathAndQuery.Contains("/invoke-with-response-stream", StringComparison.Ordinal);

    /// <summary>The key a request carries, whichever header its provider uses.</summary>
    private static string? CredentialOf(IHeaderDictionary headers)
    {
        if (headers.TryGetValue("x-api-key", out var apiKey) && !StringValues.IsNullOrEmpty(apiKey))
        {
            return apiKey.ToString();
        }

        if (headers.TryGetValue("api-key", out var azureKey) && !StringValues.IsNullOrEmpty(azureKey))
        {
            return azureKey.ToString();
        }

        if (headers.TryGetValue("x-goog-api-key", out var googleKey) && !StringValues.IsNullOrEmpty(googleKey))
        {
            return googleKey.ToString();
        }

        var authorization = headers.Authorization.ToString();
        if (authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal))
        {
            // SigV4: the access key id, from "Credential=AKID/20250101/us-east-1/bedrock/aws4_request".
            var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
            var slash = start < 0 ? -1 : authorization.IndexOf('/', start);
            return slash < 0 ? null : authorization[(start + "Credential=".Length)..slash];
        }

        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return BasicCredentials.Decode(authorization)?.ClientId;
        }

        return null;
    }

    private static Dictionary<string, string> CopyHeaders(IHeaderDictionary headers)
    {
        var copy = new Dictionary<string, string>(headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            copy[name] = value.ToString();
        }

        return copy;
    }
}
