using System.Collections.Concurrent;
using System.Text.Json;

namespace Tollgate.VaultEmulator;

/// <summary>
/// HashiCorp Vault's HTTP API as documented (developer.hashicorp.com/vault/api-docs): KV v2 reads at
/// <c>GET /v1/{mount}/data/{path}</c> with <c>X-Vault-Token</c>, AppRole and Kubernetes logins at
/// <c>POST /v1/auth/{mount}/login</c>, namespaces in <c>X-Vault-Namespace</c>, errors as <c>{"errors": [...]}</c>.
/// </summary>
public sealed class HashiCorpVault
{
    private readonly ConcurrentDictionary<string, List<Dictionary<string, string>>> _secrets = new(StringComparer.Ordinal);

    /// <summary>A token that is always valid (Vault's root or a pre-issued token).</summary>
    public string RootToken { get; set; } = "hvs.emulator-root-token";

    /// <summary>When set, every call must carry this <c>X-Vault-Namespace</c> (an Enterprise namespace).</summary>
    public string? Namespace { get; set; }

    public ConcurrentDictionary<string, string> AppRoles { get; } = new(StringComparer.Ordinal);

    /// <summary>Kubernetes auth roles and the service-account JWT each accepts (Vault would ask the TokenReview API).</summary>
    public ConcurrentDictionary<string, string> KubernetesRoles { get; } = new(StringComparer.Ordinal);

    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromHours(1);

    public Tokens LoginTokens { get; } = new("hvs.");

    /// <summary>Sealed: every call gets 503, as a sealed or unreachable-behind-a-proxy Vault answers.</summary>
    public bool Sealed { get; set; }

    public int Logins { get; private set; }

    public int Reads { get; private set; }

    /// <summary>Writes a new version of a KV v2 secret.</summary>
    public void Put(string mount, string path, IReadOnlyDictionary<string, string> data) =>
        _secrets.AddOrUpdate($"{mount}/{path}", _ => [new(data)], (_, versions) =>
        {
            lock (versions)
            {
                versions.Add(new(data));
            }

            return versions;
        });

    internal void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/hashicorp/v1/{**rest}", ["GET", "POST"], async (HttpContext context, string rest) =>
        {
            if (Sealed)
            {
                return Errors(503, "Vault is sealed");
            }

            if (Namespace is not null && context.Request.Headers["X-Vault-Namespace"] != Namespace)
            {
                // A path outside the caller's namespace does not exist for it.
                return Errors(403, "permission denied");
            }

            var parts = rest.Split('/');
            if (HttpMethods.IsPost(context.Request.Method) && parts is ["auth", var mount, "login"])
            {
                return await LoginAsync(context.Request, mount);
            }

            if (HttpMethods.IsGet(context.Request.Method) && parts.Length >= 3 && parts[1] == "data")
            {
                var token = context.Request.Headers["X-Vault-Token"].ToString();
                if (token != RootToken && !LoginTokens.IsValid(token))
                {
                    return Errors(403, "permission denied");
                }

                Reads++;
                return Read(parts[0], string.Join('/', parts[2..]));
            }

            return Errors(404, $"no handler for route \"{rest}\". route entry not found.");
        });
    }

    private async Task<IResult> LoginAsync(HttpRequest request, string mount)
    {
        using var body = await Json.ReadAsync(request);
        if (body is null)
        {
            return Errors(400, "failed to parse JSON input");
        }

        var root = body.RootElement;
        var ok = mount switch
        {
            "approle" => root.Text("role_id") is { } roleId && AppRoles.TryGetValue(roleId, out var secretId) && secretId == root.Text("secret_id"),
            "kubernetes" => root.Text("role") is { } role && KubernetesRoles.TryGetValue(role, out var jwt) && jwt == root.Text("jwt"),
            _ => false,
        };
        if (!ok)
        {
            return mount == "approle" ? Errors(400, "invalid role or secret ID") : Errors(403, "permission denied");
        }

        Logins++;
        var token = LoginTokens.Issue(LeaseDuration);
        return Json.Write(200, w =>
        {
            w.WriteString("request_id", Guid.NewGuid().ToString());
            w.WriteString("lease_id", string.Empty);
            w.WriteBoolean("renewable", false);
            w.WriteNumber("lease_duration", 0);
            w.WriteNull("data");
            w.WriteStartObject("auth");
            w.WriteString("client_token", token);
            w.WriteString("accessor", Guid.NewGuid().ToString("N"));
            w.WriteStartArray("policies");
            w.WriteStringValue("default");
            w.WriteEndArray();
            w.WriteNumber("lease_duration", (long)LeaseDuration.TotalSeconds);
            w.WriteBoolean("renewable", true);
            w.WriteEndObject();
        });
    }

    private IResult Read(string mount, string path)
    {
        if (!_secrets.TryGetValue($"{mount}/{path}", out var versions))
        {
            return Errors(404);
        }

        Dictionary<string, string> data;
        int version;
        lock (versions)
        {
            data = versions[^1];
            version = versions.Count;
        }

        return Json.Write(200, w =>
        {
            w.WriteString("request_id", Guid.NewGuid().ToString());
            w.WriteString("lease_id", string.Empty);
            w.WriteBoolean("renewable", false);
            w.WriteNumber("lease_duration", 0);
            w.WriteStartObject("data");
            w.WriteStartObject("data");
            foreach (var (key, value) in data)
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
            w.WriteStartObject("metadata");
            w.WriteString("created_time", DateTimeOffset.UtcNow.ToString("O"));
            w.WriteString("deletion_time", string.Empty);
            w.WriteBoolean("destroyed", false);
            w.WriteNumber("version", version);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteNull("wrap_info");
            w.WriteNull("warnings");
            w.WriteNull("auth");
        });
    }

    private static IResult Errors(int status, params string[] errors) => Json.Write(status, w =>
    {
        w.WriteStartArray("errors");
        foreach (var error in errors)
        {
            w.WriteStringValue(error);
        }

        w.WriteEndArray();
    });
}
