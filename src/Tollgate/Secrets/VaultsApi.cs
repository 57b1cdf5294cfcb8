namespace Tollgate.Secrets;

/// <summary><c>GET /api/vaults</c>: store health for the UI (viewer and up; names, times and errors, never values).</summary>
internal static class VaultsApi
{
    public static RouteGroupBuilder MapVaultsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/vaults").WithTags("Vaults");
        group.MapGet("/", (VaultRegistry vaults) => Results.Json(new VaultStatusList(vaults.Status()), SecretsJsonContext.Default.VaultStatusList));
        return group;
    }
}
