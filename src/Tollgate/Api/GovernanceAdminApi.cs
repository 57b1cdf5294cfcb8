using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Tollgate.Configuration;
using Tollgate.Governance;
using Tollgate.Governance.Model;
using Tollgate.Governance.Pricing;
using Tollgate.Governance.Usage;
using Tollgate.Inference;

namespace Tollgate.Api;

/// <summary>
/// Admin API for governance: <c>/api/virtual-keys</c>, <c>/api/teams</c>, <c>/api/customers</c>, <c>/api/budgets</c>,
/// <c>/api/rate-limits</c>, <c>/api/pricing</c>, <c>/api/usage</c>. Bodies use the config file's field names and are
/// validated by the same reader; entities from the config file are read-only here (409). Team-scoped callers reach the
/// virtual keys, budgets, their own team and usage, narrowed by <see cref="GovernanceTeamScope"/>: another team's entity
/// is 404 as if absent, a body reaching outside the team 403 <c>team_scope</c>.
/// </summary>
internal static class GovernanceAdminApi
{
    public static IEndpointRouteBuilder MapGovernanceAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").RequireAdmin().WithTags("Admin: governance");
        MapVirtualKeys(api.MapGroup("/virtual-keys"));
        MapEntity(api.MapGroup("/teams"), new EntitySpec<Team>(EntityKind.Team, GovernanceJsonContext.Default.Team, JsonOutput.Context.Team, JsonOutput.Context.ListTeam,
            c => c.Teams, t => t.Id, t => t.FromConfigFile, (c, l) => c with { Teams = l }, (r, json, w) => r.ReadTeam(json, w, requireId: false),
            TeamReads: (_, t, team) => t.Id == team));
        MapEntity(api.MapGroup("/customers"), new EntitySpec<Customer>(EntityKind.Customer, GovernanceJsonContext.Default.Customer, JsonOutput.Context.Customer, JsonOutput.Context.ListCustomer,
            c => c.Customers, x => x.Id, x => x.FromConfigFile, (c, l) => c with { Customers = l }, (r, json, w) => r.ReadCustomer(json, w, requireId: false)));
        MapEntity(api.MapGroup("/rate-limits"), new EntitySpec<RateLimit>(EntityKind.RateLimit, GovernanceJsonContext.Default.RateLimit, JsonOutput.Context.RateLimit, JsonOutput.Context.ListRateLimit,
            c => c.RateLimits, x => x.Id, x => x.FromConfigFile, (c, l) => c with { RateLimits = l }, (r, json, w) => r.ReadRateLimit(json, w, requireId: false)));
        MapEntity(api.MapGroup("/model-limits"), new EntitySpec<ModelLimit>(EntityKind.ModelLimit, GovernanceJsonContext.Default.ModelLimit, JsonOutput.Context.ModelLimit, JsonOutput.Context.ListModelLimit,
            c => c.ModelLimits, x => x.Id, x => x.FromConfigFile, (c, l) => c with { ModelLimits = l }, (r, json, w) => r.ReadModelLimit(json, w, requireId: false)));
        MapBudgets(api.MapGroup("/budgets"));
        api.MapGet("/pricing", ListPrices);
        api.MapGet("/usage", GetUsageAsync).AllowTeamScope();
        return endpoints;
    }

    private sealed record EntitySpec<T>(
        string Kind,
        JsonTypeInfo<T> StoreType,
        JsonTypeInfo<T> ViewType,
        JsonTypeInfo<List<T>> ListType,
        Func<GovernanceConfig, IReadOnlyList<T>> Items,
        Func<T, string> Id,
        Func<T, bool> FromFile,
        Func<GovernanceConfig, List<T>, GovernanceConfig> With,
        Func<GovernanceReader, JsonObjectReader, List<string>, T> Read,
        Func<GovernanceConfig, T, string, bool>? TeamReads = null,
        bool TeamWrites = false);

    /// <summary>Whether the caller's team (null: a global role) may see the entity.</summary>
    private static bool Visible<T>(EntitySpec<T> spec, GovernanceConfig merged, T entity, string? team) =>
        team is null || (spec.TeamReads?.Invoke(merged, entity, team) ?? false);

    private static void MapEntity<T>(RouteGroupBuilder group, EntitySpec<T> spec)
    {
        var list = group.MapGet("/", (HttpContext context, GovernanceRegistry registry) =>
        {
            var team = GovernanceTeamScope.TeamOf(context);
            var merged = registry.Current.Merged;
            return Results.Json(spec.Items(merged).Where(e => Visible(spec, merged, e, team)).ToList(), spec.ListType);
        });
        var one = group.MapGet("/{id}", async (HttpContext context, string id, GovernanceRegistry registry) =>
        {
            var merged = registry.Current.Merged;
            var entity = spec.Items(merged).FirstOrDefault(e => spec.Id(e) == id && Visible(spec, merged, e, GovernanceTeamScope.TeamOf(context)));
            await (entity is null ? NotFound(context, spec.Kind, id) : Results.Json(entity, spec.ViewType).ExecuteAsync(context)).ConfigureAwait(false);
        });
        if (spec.TeamReads is not null)
        {
            list.AllowTeamScope();
            one.AllowTeamScope();
        }

        group.MapPost("/", (HttpContext context, GovernanceRegistry registry, GovernanceReader reader) =>
            SaveAsync(context, spec, registry, reader, id: null));
        group.MapPut("/{id}", (HttpContext context, string id, GovernanceRegistry registry, GovernanceReader reader) =>
            SaveAsync(context, spec, registry, reader, id));
        group.MapDelete("/{id}", (HttpContext context, string id, GovernanceRegistry registry) =>
            DeleteAsync(context, spec, registry, id));
    }

    private static async Task SaveAsync<T>(HttpContext context, EntitySpec<T> spec, GovernanceRegistry registry, GovernanceReader reader, string? id)
    {
        var team = GovernanceTeamScope.TeamOf(context);
        var merged = registry.Current.Merged;
        var existing = id is null ? default : spec.Items(merged).FirstOrDefault(e => spec.Id(e) == id && Visible(spec, merged, e, team));
        if (existing is not null && spec.FromFile(existing))
        {
            await ReadOnly(context, spec.Kind, id!).ConfigureAwait(false);
            return;
        }

        if (id is not null && existing is null)
        {
            await NotFound(context, spec.Kind, id).ConfigureAwait(false);
            return;
        }

        await WithBodyAsync(context, id, async json =>
        {
            var entity = spec.Read(reader, json, []);
            if (id is null && spec.Items(registry.Current.Merged).Any(e => spec.Id(e) == spec.Id(entity)))
            {
                throw new ConfigException("$.id", $"a {spec.Kind.Replace('_', ' ')} with id '{spec.Id(entity)}' already exists");
            }

            registry.Upsert(spec.Kind, spec.Id(entity), entity, spec.StoreType, (merged, e) =>
                spec.With(merged, [.. spec.Items(merged).Where(x => spec.Id(x) != spec.Id(e)), e]));
            await Results.Json(entity, spec.ViewType, statusCode: id is null ? StatusCodes.Status201Created : StatusCodes.Status200OK)
                .ExecuteAsync(context).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private static async Task DeleteAsync<T>(HttpContext context, EntitySpec<T> spec, GovernanceRegistry registry, string id)
    {
        var merged = registry.Current.Merged;
        var existing = spec.Items(merged).FirstOrDefault(e => spec.Id(e) == id && Visible(spec, merged, e, GovernanceTeamScope.TeamOf(context)));
        if (existing is null)
        {
            await NotFound(context, spec.Kind, id).ConfigureAwait(false);
            return;
        }

        if (spec.FromFile(existing))
        {
            await ReadOnly(context, spec.Kind, id).ConfigureAwait(false);
            return;
        }

        try
        {
            registry.Delete(spec.Kind, id, merged => spec.With(merged, [.. spec.Items(merged).Where(x => spec.Id(x) != id)]));
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        catch (ConfigException ex)
        {
            await ErrorResponses.WriteAsync(context, new GatewayError(StatusCodes.Status409Conflict,
                $"{spec.Kind.Replace('_', ' ')} '{id}' is still in use ({ex.JsonPath}: {ex.Reason}).", ErrorTypes.InvalidRequest, "in_use", ex.JsonPath)).ConfigureAwait(false);
        }
    }

    private static void MapBudgets(RouteGroupBuilder group)
    {
        var spec = new EntitySpec<Budget>(EntityKind.Budget, GovernanceJsonContext.Default.Budget, JsonOutput.Context.Budget, JsonOutput.Context.ListBudget,
            c => c.Budgets, b => b.Id, b => b.FromConfigFile, (c, l) => c with { Budgets = l }, (r, json, w) => r.ReadBudget(json, w, requireId: false),
            TeamReads: (c, b, team) => GovernanceTeamScope.SeesBudget(c, b.Id, team));
        group.AllowTeamScope();
        group.MapGet("/", async (HttpContext context, GovernanceRegistry registry, GovernanceService governance, TimeProvider time) =>
        {
            var team = GovernanceTeamScope.TeamOf(context);
            var merged = registry.Current.Merged;
            var views = new List<BudgetView>();
            foreach (var budget in merged.Budgets.Where(b => Visible(spec, merged, b, team)))
            {
                views.Add(await ViewAsync(budget, governance, time).ConfigureAwait(false));
            }

            return Results.Json(views, JsonOutput.Context.ListBudgetView);
        });
        group.MapGet("/{id}", async (HttpContext context, string id, GovernanceRegistry registry, GovernanceService governance, TimeProvider time) =>
        {
            var visible = registry.Current.Budgets.TryGetValue(id, out var budget) && Visible(spec, registry.Current.Merged, budget, GovernanceTeamScope.TeamOf(context));
            await (visible
                ? Results.Json(await ViewAsync(budget!, governance, time).ConfigureAwait(false), JsonOutput.Context.BudgetView).ExecuteAsync(context)
                : NotFound(context, spec.Kind, id)).ConfigureAwait(false);
        });
        group.MapPost("/", (HttpContext context, GovernanceRegistry registry, GovernanceReader reader) => SaveAsync(context, spec, registry, reader, id: null));
        group.MapPut("/{id}", (HttpContext context, string id, GovernanceRegistry registry, GovernanceReader reader) => SaveAsync(context, spec, registry, reader, id));
        group.MapDelete("/{id}", (HttpContext context, string id, GovernanceRegistry registry) => DeleteAsync(context, spec, registry, id));
    }

    private static async Task<BudgetView> ViewAsync(Budget budget, GovernanceService governance, TimeProvider time)
    {
        var state = await governance.BudgetStateAsync(budget, time.GetUtcNow()).ConfigureAwait(false);
        return new BudgetView(budget.Id, budget.MaxLimitUsd, budget.ResetDuration, budget.CalendarAligned, budget.SoftLimitRatio, budget.FromConfigFile,
            CostCalculator.FromNanoUsd(state.SpentNano), CostCalculator.FromNanoUsd(state.ReservedNano), CostCalculator.FromNanoUsd(state.RemainingNano),
            state.WindowStart, state.WindowEnd);
    }

    private static void MapVirtualKeys(RouteGroupBuilder group)
    {
        group.AllowTeamScope();
        group.MapGet("/", (HttpContext context, GovernanceRegistry registry) =>
        {
            var team = GovernanceTeamScope.TeamOf(context);
            return Results.Json(registry.Current.Merged.VirtualKeys.Where(k => GovernanceTeamScope.Sees(k, team)).Select(k => VirtualKeyView.From(k)).ToList(),
                JsonOutput.Context.ListVirtualKeyView);
        });
        group.MapGet("/{id}", async (HttpContext context, string id, GovernanceRegistry registry) =>
        {
            await (registry.Current.VirtualKeys.TryGetValue(id, out var key) && GovernanceTeamScope.Sees(key, GovernanceTeamScope.TeamOf(context))
                ? Results.Json(VirtualKeyView.From(key), JsonOutput.Context.VirtualKeyView).ExecuteAsync(context)
                : NotFound(context, EntityKind.VirtualKey, id)).ConfigureAwait(false);
        });

        group.MapPost("/", (HttpContext context, GovernanceRegistry registry, GovernanceReader reader) => WithBodyAsync(context, null, async json =>
        {
            if (json.TryGet("value", out _))
            {
                throw new ConfigException("$.value", "is generated by the gateway; it is returned once in this response");
            }

            var value = VirtualKeyValues.Generate();
            var key = reader.ReadVirtualKey(json, [], requireValue: false, generatedValue: value);
            if (registry.Current.VirtualKeys.ContainsKey(key.Id))
            {
                throw new ConfigException("$.id", $"a virtual key with id '{key.Id}' already exists");
            }

            if (TeamKeyRefusal(context, registry, key, existing: null) is { } refusal)
            {
                await ErrorResponses.WriteAsync(context, refusal).ConfigureAwait(false);
                return;
            }

            SaveKey(registry, key);
            await Results.Json(VirtualKeyView.From(key, value), JsonOutput.Context.VirtualKeyView, statusCode: StatusCodes.Status201Created)
                .ExecuteAsync(context).ConfigureAwait(false);
        }));

        group.MapPut("/{id}", (HttpContext context, string id, GovernanceRegistry registry, GovernanceReader reader) =>
            WithStoredKeyAsync(context, id, registry, existing => WithBodyAsync(context, id, async json =>
            {
                if (json.TryGet("value", out _))
                {
                    throw new ConfigException("$.value", "cannot be set; rotate the key instead (POST /api/virtual-keys/{id}/rotate)");
                }

                // Read with a throwaway value, then keep the existing secret and its rotation state.
                var parsed = reader.ReadVirtualKey(json, [], requireValue: false, generatedValue: VirtualKeyValues.Generate());
                var key = parsed with
                {
                    KeyHash = existing.KeyHash,
                    KeyHint = existing.KeyHint,
                    PreviousKeyHash = existing.PreviousKeyHash,
                    PreviousKeyValidUntil = existing.PreviousKeyValidUntil,
                    CreatedAt = existing.CreatedAt,
                };
                if (TeamKeyRefusal(context, registry, key, existing) is { } refusal)
                {
                    await ErrorResponses.WriteAsync(context, refusal).ConfigureAwait(false);
                    return;
                }

                SaveKey(registry, key);
                await Results.Json(VirtualKeyView.From(key), JsonOutput.Context.VirtualKeyView).ExecuteAsync(context).ConfigureAwait(false);
            })));

        group.MapPost("/{id}/rotate", (HttpContext context, string id, GovernanceRegistry registry, TimeProvider time) =>
            WithStoredKeyAsync(context, id, registry, async existing =>
            {
                RotateRequest? request = null;
                if (context.Request.ContentLength is > 0)
                {
                    try
                    {
                        request = await JsonSerializer.DeserializeAsync(context.Request.Body, JsonOutput.Context.RotateRequest, context.RequestAborted).ConfigureAwait(false);
                    }
                    catch (JsonException)
                    {
                        await ErrorResponses.WriteAsync(context, AdminBody.NotJson).ConfigureAwait(false);
                        return;
                    }
                }

                var grace = request?.GracePeriodSeconds ?? 0;
                if (grace is < 0 or > 30 * 86400 || double.IsNaN(grace))
                {
                    await ErrorResponses.WriteAsync(context, GatewayError.BadRequest("grace_period_seconds must be between 0 and 2592000 (30 days).", "grace_period_seconds")).ConfigureAwait(false);
                    return;
                }

                var value = VirtualKeyValues.Generate();
                var key = existing with
                {
                    KeyHash = VirtualKeyValues.Hash(value),
                    KeyHint = VirtualKeyValues.Hint(value),
                    PreviousKeyHash = grace > 0 ? existing.KeyHash : null,
                    PreviousKeyValidUntil = grace > 0 ? time.GetUtcNow().AddSeconds(grace) : null,
                };
                SaveKey(registry, key);
                await Results.Json(VirtualKeyView.From(key, value), JsonOutput.Context.VirtualKeyView).ExecuteAsync(context).ConfigureAwait(false);
            }));

        group.MapPost("/{id}/revoke", (HttpContext context, string id, GovernanceRegistry registry) =>
            WithStoredKeyAsync(context, id, registry, async existing =>
            {
                var key = existing with { IsActive = false, PreviousKeyHash = null, PreviousKeyValidUntil = null };
                SaveKey(registry, key);
                await Results.Json(VirtualKeyView.From(key), JsonOutput.Context.VirtualKeyView).ExecuteAsync(context).ConfigureAwait(false);
            }));

        group.MapDelete("/{id}", (HttpContext context, string id, GovernanceRegistry registry) =>
            WithStoredKeyAsync(context, id, registry, _ =>
            {
                registry.Delete(EntityKind.VirtualKey, id, merged => merged with { VirtualKeys = [.. merged.VirtualKeys.Where(k => k.Id != id)] });
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return Task.CompletedTask;
            }));
    }

    private static void SaveKey(GovernanceRegistry registry, VirtualKey key) =>
        registry.Upsert(EntityKind.VirtualKey, key.Id, key, GovernanceJsonContext.Default.VirtualKey, (merged, k) =>
            merged with { VirtualKeys = [.. merged.VirtualKeys.Where(x => x.Id != k.Id), k] });

    /// <summary>403 team_scope when a team-scoped caller's key would reach outside the team; null otherwise.</summary>
    private static GatewayError? TeamKeyRefusal(HttpContext context, GovernanceRegistry registry, VirtualKey key, VirtualKey? existing)
    {
        if (GovernanceTeamScope.TeamOf(context) is not { } team
            || GovernanceTeamScope.KeyProblem(registry.Current.Merged, key, existing, team) is not { } problem)
        {
            return null;
        }

        var error = Auth.AuthErrors.OutsideTeamScope(team);
        return error with { Message = $"{error.Message} ({problem})" };
    }

    private static async Task WithStoredKeyAsync(HttpContext context, string id, GovernanceRegistry registry, Func<VirtualKey, Task> action)
    {
        // Another team's key is answered as absent: a team-scoped caller learns nothing of it, not even that it exists.
        if (!registry.Current.VirtualKeys.TryGetValue(id, out var key) || !GovernanceTeamScope.Sees(key, GovernanceTeamScope.TeamOf(context)))
        {
            await NotFound(context, EntityKind.VirtualKey, id).ConfigureAwait(false);
            return;
        }

        if (key.FromConfigFile)
        {
            await ReadOnly(context, EntityKind.VirtualKey, id).ConfigureAwait(false);
            return;
        }

        try
        {
            await action(key).ConfigureAwait(false);
        }
        catch (ConfigException ex)
        {
            await ErrorResponses.WriteAsync(context, GatewayError.BadRequest(ex.Reason, Field(ex.JsonPath), "invalid_field")).ConfigureAwait(false);
        }
    }

    /// <summary>Parses the body as a JSON object; the URL's id wins over (and must agree with) the body's.</summary>
    private static async Task WithBodyAsync(HttpContext context, string? id, Func<JsonObjectReader, Task> action)
    {
        if (await AdminBody.ReadOrAnswerAsync(context).ConfigureAwait(false) is not { } document)
        {
            return;
        }

        using (document)
        {
            try
            {
                var root = document.RootElement;
                if (id is not null && root.ValueKind == JsonValueKind.Object)
                {
                    if (root.TryGetProperty("id", out var bodyId) && (bodyId.ValueKind != JsonValueKind.String || bodyId.GetString() != id))
                    {
                        throw new ConfigException("$.id", $"does not match the id in the URL ('{id}')");
                    }

                    using var withId = WithId(root, id);
                    await action(new JsonObjectReader(withId.RootElement, "$")).ConfigureAwait(false);
                    return;
                }

                await action(new JsonObjectReader(root, "$")).ConfigureAwait(false);
            }
            catch (ConfigException ex)
            {
                var field = Field(ex.JsonPath);
                var message = field is null ? ex.Reason : $"{field}: {ex.Reason}";
                await ErrorResponses.WriteAsync(context, GatewayError.BadRequest(message, field, "invalid_field")).ConfigureAwait(false);
            }
        }
    }

    private static JsonDocument WithId(JsonElement root, string id)
    {
        using var buffer = new PooledBufferWriter(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name != "id")
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.WrittenMemory.ToArray());
    }

    /// <summary>The field a body error names, without the root marker; null when it concerns the whole body.</summary>
    private static string? Field(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path == "$" ? null : path;

    private static IResult ListPrices(GovernanceService governance)
    {
        var catalog = governance.Prices;
        var prices = catalog.ShippedEntries.Select(e => (e.Key, e.Value, Source: "shipped"))
            .Concat(catalog.Overrides.Select(e => (e.Key, e.Value, Source: "override")))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new PriceView(e.Key, e.Source, e.Value.InputPerMTok, e.Value.OutputPerMTok, e.Value.CachedInputPerMTok, e.Value.CacheWritePerMTok, e.Value.MaxOutputTokens))
            .ToList();
        return Results.Json(prices, JsonOutput.Context.ListPriceView);
    }

    private static async Task GetUsageAsync(HttpContext context, IGovernanceStore store, UsageWriter writer, TimeProvider time)
    {
        var query = context.Request.Query;
        var groupBy = query["group_by"].ToString() is { Length: > 0 } g ? g : "model";
        if (groupBy is not ("model" or "provider" or "virtual_key" or "team" or "customer"))
        {
            await ErrorResponses.WriteAsync(context, GatewayError.BadRequest("group_by must be model, provider, virtual_key, team or customer.", "group_by")).ConfigureAwait(false);
            return;
        }

        var now = time.GetUtcNow();
        if (!TryTime(query["from"], now.AddDays(-30), out var from) || !TryTime(query["to"], now.AddMinutes(1), out var to))
        {
            await ErrorResponses.WriteAsync(context, GatewayError.BadRequest("from and to must be ISO 8601 times or dates.", "from")).ConfigureAwait(false);
            return;
        }

        var byDay = query["by_day"] == "true";
        await writer.FlushAsync().ConfigureAwait(false);
        var rows = store.Aggregate(groupBy, byDay, from, to, GovernanceTeamScope.TeamOf(context))
            .Select(r => new UsageReportRow(r.Key, r.Day, r.Requests, r.PromptTokens, r.CompletionTokens, r.CachedTokens, CostCalculator.FromNanoUsd(r.CostNano), r.EstimatedRequests))
            .ToList();
        await Results.Json(new UsageReport(groupBy, byDay, from, to, rows), JsonOutput.Context.UsageReport).ExecuteAsync(context).ConfigureAwait(false);
    }

    private static bool TryTime(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        value = fallback;
        return string.IsNullOrEmpty(text) || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    private static Task NotFound(HttpContext context, string kind, string id) => ErrorResponses.WriteAsync(context,
        new GatewayError(StatusCodes.Status404NotFound, $"{kind.Replace('_', ' ')} '{id}' does not exist.", ErrorTypes.NotFound, "not_found"));

    private static Task ReadOnly(HttpContext context, string kind, string id) => ErrorResponses.WriteAsync(context,
        new GatewayError(StatusCodes.Status409Conflict, $"{kind.Replace('_', ' ')} '{id}' comes from the config file and is read-only here; edit the file.",
            ErrorTypes.InvalidRequest, "read_only"));
}
