using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Emulator.Pipeline;

namespace Tollgate.Emulator.Control;

/// <summary>
/// <c>/_emulator/...</c>: the same knobs <see cref="EmulatorHost"/> gives in-process tests, for standalone runs
/// (benchmarks, manual poking with curl). Bodies use camelCase names, e.g. <c>{"provider":"openai","status":429}</c>.
/// </summary>
internal static class ControlApi
{
    // Web defaults (camelCase, case-insensitive) but readable bodies in the journal: no \u0022 for every quote.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static RouteGroupBuilder MapControl(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/_emulator");
        group.MapPost("/faults", AddFaultAsync);
        group.MapGet("/faults", ctx => WriteAsync(ctx, 200, Services<FaultInjector>(ctx).Rules));
        group.MapDelete("/faults", ctx =>
        {
            Services<FaultInjector>(ctx).Clear();
            return NoContent(ctx);
        });
        group.MapGet("/journal", JournalAsync);
        group.MapDelete("/journal", ctx =>
        {
            Services<RequestJournal>(ctx).Clear();
            return NoContent(ctx);
        });
        group.MapGet("/state", ctx => WriteAsync(ctx, 200, Snapshot(Services<EmulatorState>(ctx))));
        group.MapPost("/state", UpdateStateAsync);
        group.MapPost("/databricks/revoke-tokens", ctx =>
        {
            Services<EmulatorState>(ctx).RevokeDatabricksTokens();
            return NoContent(ctx);
        });
        group.MapPost("/reset", ctx =>
        {
            Services<FaultInjector>(ctx).Clear();
            Services<RequestJournal>(ctx).Clear();
            var state = Services<EmulatorState>(ctx);
            state.ResetCounters();
            state.RevokeDatabricksTokens();
            return NoContent(ctx);
        });
        return group;
    }

    private static async Task AddFaultAsync(HttpContext ctx)
    {
        FaultRule? rule;
        try
        {
            rule = await JsonSerializer.DeserializeAsync<FaultRule>(ctx.Request.Body, Json, ctx.RequestAborted);
        }
        catch (JsonException e)
        {
            await WriteAsync(ctx, 400, new { error = e.Message });
            return;
        }

        if (rule is null)
        {
            await WriteAsync(ctx, 400, new { error = "A FaultRule JSON object is required." });
            return;
        }

        if (!(rule.Probability >= 0 && rule.Probability <= 1))
        {
            await WriteAsync(ctx, 400, new { error = "probability must be between 0 and 1." });
            return;
        }

        var faults = Services<FaultInjector>(ctx);
        faults.Add(rule);
        await WriteAsync(ctx, 201, new { active = faults.Count, rule });
    }

    /// <summary><c>?provider=openai&amp;limit=50</c>: newest entries last, at most <c>limit</c> of them.</summary>
    private static Task JournalAsync(HttpContext ctx)
    {
        IEnumerable<JournalEntry> entries = Services<RequestJournal>(ctx).Entries;
        var provider = ctx.Request.Query["provider"].ToString();
        if (provider.Length > 0)
        {
            entries = entries.Where(e => string.Equals(e.Provider, provider, StringComparison.OrdinalIgnoreCase));
        }

        if (int.TryParse(ctx.Request.Query["limit"], out var limit) && limit >= 0)
        {
            entries = entries.TakeLast(limit);
        }

        return WriteAsync(ctx, 200, entries.ToList());
    }

    private static async Task UpdateStateAsync(HttpContext ctx)
    {
        StateUpdate? update;
        try
        {
            update = await JsonSerializer.DeserializeAsync<StateUpdate>(ctx.Request.Body, Json, ctx.RequestAborted);
        }
        catch (JsonException e)
        {
            await WriteAsync(ctx, 400, new { error = e.Message });
            return;
        }

        var state = Services<EmulatorState>(ctx);
        if (update?.DatabricksTokenLifetimeSeconds is int lifetime)
        {
            state.DatabricksTokenLifetimeSeconds = lifetime;
        }

        if (update?.DatabricksStreamSendsDone is bool done)
        {
            state.DatabricksStreamSendsDone = done;
        }

        if (update?.DatabricksRejectStreamOptions is bool reject)
        {
            state.DatabricksRejectStreamOptions = reject;
        }

        if (update?.StreamEventDelayMs is int delay)
        {
            state.StreamEventDelayMs = delay;
        }

        await WriteAsync(ctx, 200, Snapshot(state));
    }

    private static JsonObject Snapshot(EmulatorState state) => new()
    {
        ["databricksTokenLifetimeSeconds"] = state.DatabricksTokenLifetimeSeconds,
        ["databricksStreamSendsDone"] = state.DatabricksStreamSendsDone,
        ["databricksRejectStreamOptions"] = state.DatabricksRejectStreamOptions,
        ["streamEventDelayMs"] = state.StreamEventDelayMs,
        ["tokenRequests"] = state.TokenRequests,
        ["activeDatabricksTokens"] = state.ActiveDatabricksTokens,
        ["totalRequests"] = state.TotalRequests,
        ["requestsByProvider"] = JsonSerializer.SerializeToNode(state.RequestsByProvider),
    };

    private static T Services<T>(HttpContext ctx)
        where T : notnull => ctx.RequestServices.GetRequiredService<T>();

    private static Task NoContent(HttpContext ctx)
    {
        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    private static async Task WriteAsync<T>(HttpContext ctx, int status, T value)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(ctx.Response.Body, value, Json, ctx.RequestAborted);
    }

    private sealed record StateUpdate(
        int? DatabricksTokenLifetimeSeconds, bool? DatabricksStreamSendsDone, bool? DatabricksRejectStreamOptions, int? StreamEventDelayMs);
}
