using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Providers;
using Tollgate.Routing;
using Tollgate.Storage;

namespace Tollgate.Api;

/// <summary>
/// Minimal provider management so a config file is optional: <c>/api/providers</c>. A provider is sent in the config
/// file's own JSON shape and validated by the same rules; providers from the file are read-only here.
/// </summary>
internal static class ProvidersAdminApi
{
    public static RouteGroupBuilder MapProvidersAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/providers").WithTags("Admin: providers");
        group.RequireAdmin();

        group.MapGet("/", (ProviderRegistry registry) => Results.Json(
            new ProviderList(registry.Providers.Values.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => ProviderView.From(p.Config)).ToList()),
            JsonOutput.Context.ProviderList));

        group.MapGet("/{name}", async (HttpContext context, string name, ProviderRegistry registry) =>
        {
            if (!registry.TryGet(name, out var provider))
            {
                await NotFound(context, name).ConfigureAwait(false);
                return;
            }

            await Results.Json(ProviderView.From(provider.Config), JsonOutput.Context.ProviderView).ExecuteAsync(context).ConfigureAwait(false);
        });

        group.MapGet("/{name}/models", async (HttpContext context, string name, ProviderRegistry registry, ModelCatalog catalog) =>
        {
            if (!registry.TryGet(name, out _))
            {
                await NotFound(context, name).ConfigureAwait(false);
                return;
            }

            var models = (await catalog.ListAsync(context.RequestAborted).ConfigureAwait(false))
                .Where(m => m.Provider == name)
                .Select(m => new ModelEntryView(m.Id, m.Provider, m.Model, m.Source == ModelSource.Configured ? "configured" : "discovered", m.Task))
                .ToArray();
            await Results.Json(models, JsonOutput.Context.ModelEntryViewArray).ExecuteAsync(context).ConfigureAwait(false);
        });

        group.MapPut("/{name}", async (HttpContext context, string name, GatewayConfigMonitor monitor, IGatewayStore store, ProviderRegistry registry) =>
        {
            if (monitor.Current.Providers.TryGetValue(name, out var existing) && existing.FromConfigFile)
            {
                await ReadOnly(context, name).ConfigureAwait(false);
                return;
            }

            if (await AdminBody.ReadOrAnswerAsync(context).ConfigureAwait(false) is not { } document)
            {
                return;
            }

            using (document)
            {
                try
                {
                    monitor.ValidateStoredProvider(name, document.RootElement);
                }
                catch (ConfigException ex)
                {
                    await ErrorResponses.WriteAsync(context, GatewayError.BadRequest(ex.Message, ex.JsonPath, "invalid_provider")).ConfigureAwait(false);
                    return;
                }

                store.SaveProvider(name, document.RootElement.GetRawText());
            }

            monitor.StoreChanged();
            registry.TryGet(name, out var saved);
            await Results.Json(ProviderView.From(saved.Config), JsonOutput.Context.ProviderView).ExecuteAsync(context).ConfigureAwait(false);
        });

        group.MapDelete("/{name}", async (HttpContext context, string name, GatewayConfigMonitor monitor, IGatewayStore store) =>
        {
            if (monitor.Current.Providers.TryGetValue(name, out var existing) && existing.FromConfigFile)
            {
                await ReadOnly(context, name).ConfigureAwait(false);
                return;
            }

            if (!store.DeleteProvider(name))
            {
                await NotFound(context, name).ConfigureAwait(false);
                return;
            }

            monitor.StoreChanged();
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });

        return group;
    }

    private static Task NotFound(HttpContext context, string name) => ErrorResponses.WriteAsync(context,
        new GatewayError(StatusCodes.Status404NotFound, $"Provider '{name}' does not exist.", ErrorTypes.NotFound, "provider_not_found"));

    private static Task ReadOnly(HttpContext context, string name) => ErrorResponses.WriteAsync(context,
        new GatewayError(StatusCodes.Status409Conflict, $"Provider '{name}' comes from the config file and is read-only here; edit the file.",
            ErrorTypes.InvalidRequest, "read_only"));
}
