using Tollgate.VaultEmulator;

namespace Tollgate.Tests.Secrets;

/// <summary>
/// One store and one way of signing in to it, set up in the vault emulator: the <c>vaults</c> entry to configure, the
/// reference to a secret holding an OpenAI key, the environment the gateway sees, and how to rotate that secret.
/// </summary>
public sealed record VaultScenario(string VaultJson, string Reference, IReadOnlyDictionary<string, string> Environment, Action<string> SetSecret)
{
    public const string Store = "store";

    /// <summary>Every store and auth flow the gateway supports, by a name tests use as theory data.</summary>
    public static readonly string[] Names =
    [
        "hashicorp-token", "hashicorp-approle", "hashicorp-kubernetes", "hashicorp-environment",
        "aws-static", "aws-session-token", "aws-environment", "aws-web-identity",
        "gcp-service-account",
        "azure-client-credentials", "azure-environment", "azure-managed-identity", "azure-app-service-identity",
    ];

    public static VaultScenario Create(string name, VaultEmulatorHost vaults, string directory)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (name)
        {
            case "hashicorp-token":
            case "hashicorp-environment":
            case "hashicorp-approle":
            case "hashicorp-kubernetes":
            {
                vaults.HashiCorp.Namespace = "team-ml";
                Action<string> set = value => vaults.HashiCorp.Put("kv", "llm/openai", new Dictionary<string, string> { ["api_key"] = value, ["owner"] = "ml" });
                var auth = name switch
                {
                    "hashicorp-token" => $"\"token\": \"env.VAULT_TOKEN_FOR_TEST\"",
                    "hashicorp-approle" => "\"approle\": { \"role_id\": \"role-1\", \"secret_id\": \"env.APPROLE_SECRET\" }",
                    "hashicorp-kubernetes" => $"\"kubernetes\": {{ \"role\": \"tollgate\", \"token_path\": \"{Path.Combine(directory, "sa-token")}\" }}",
                    _ => null,
                };
                env["VAULT_TOKEN_FOR_TEST"] = vaults.HashiCorp.RootToken;
                vaults.HashiCorp.AppRoles["role-1"] = env["APPROLE_SECRET"] = "approle-secret-id-1";
                vaults.HashiCorp.KubernetesRoles["tollgate"] = "eyJhbGciOiJSUzI1NiJ9.k8s-service-account.sig";
                File.WriteAllText(Path.Combine(directory, "sa-token"), vaults.HashiCorp.KubernetesRoles["tollgate"] + "\n");
                string address;
                if (auth is null)
                {
                    // VAULT_ADDR, VAULT_TOKEN and VAULT_NAMESPACE, as the Vault CLI reads them.
                    env["VAULT_ADDR"] = vaults.HashiCorpAddress;
                    env["VAULT_TOKEN"] = vaults.HashiCorp.RootToken;
                    env["VAULT_NAMESPACE"] = "team-ml";
                    address = string.Empty;
                }
                else
                {
                    address = $"\"address\": \"{vaults.HashiCorpAddress}\", \"namespace\": \"team-ml\", {auth},";
                }

                return new($$"""{ "type": "hashicorp", {{address}} "mount": "kv", "refresh_seconds": 30 }""", $"vault.{Store}/llm/openai#api_key", env, set);
            }

            case "aws-static":
            case "aws-session-token":
            case "aws-environment":
            case "aws-web-identity":
            {
                Action<string> set = value => vaults.Aws.Put("prod/openai", $$"""{"api_key":"{{value}}","org":"acme"}""");
                var endpoints = $"\"region\": \"us-east-1\", \"endpoint\": \"{vaults.AwsEndpoint}\", \"sts_endpoint\": \"{vaults.AwsStsEndpoint}\"";
                string auth;
                switch (name)
                {
                    case "aws-static":
                        vaults.Aws.Keys["AKIAEMULATOR0001"] = ("emulator/secret/key/0001", null);
                        env["AWS_SECRET_FOR_TEST"] = "emulator/secret/key/0001";
                        auth = ", \"access_key_id\": \"AKIAEMULATOR0001\", \"secret_access_key\": \"env.AWS_SECRET_FOR_TEST\"";
                        break;
                    case "aws-session-token":
                        vaults.Aws.Keys["ASIAEMULATOR0002"] = ("emulator/secret/key/0002", "session-token-0002");
                        auth = ", \"access_key_id\": \"ASIAEMULATOR0002\", \"secret_access_key\": \"emulator/secret/key/0002\", \"session_token\": \"session-token-0002\"";
                        break;
                    case "aws-environment":
                        vaults.Aws.Keys["ASIAEMULATOR0003"] = ("emulator/secret/key/0003", "session-token-0003");
                        env["AWS_ACCESS_KEY_ID"] = "ASIAEMULATOR0003";
                        env["AWS_SECRET_ACCESS_KEY"] = "emulator/secret/key/0003";
                        env["AWS_SESSION_TOKEN"] = "session-token-0003";
                        auth = string.Empty;
                        break;
                    default:
                        var tokenFile = Path.Combine(directory, "web-identity-token");
                        File.WriteAllText(tokenFile, "eyJhbGciOiJSUzI1NiJ9.eks-oidc.sig");
                        vaults.Aws.WebIdentityRoles["arn:aws:iam::123456789012:role/tollgate"] = "eyJhbGciOiJSUzI1NiJ9.eks-oidc.sig";
                        env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/tollgate";
                        env["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile;
                        auth = string.Empty;
                        break;
                }

                return new($$"""{ "type": "aws_secrets_manager", {{endpoints}}{{auth}} }""", $"vault.{Store}/prod/openai#api_key", env, set);
            }

            case "gcp-service-account":
            {
                var keyFile = Path.Combine(directory, "gcp-key.json");
                File.WriteAllText(keyFile, vaults.Google.CreateServiceAccountKey("tollgate@tollgate-test.iam.gserviceaccount.com"));
                return new($$"""{ "type": "gcp_secret_manager", "credentials": "file.{{keyFile}}", "endpoint": "{{vaults.Google.Endpoint}}" }""",
                    $"vault.{Store}/openai-key", env, value => vaults.Google.AddVersion("openai-key", value));
            }

            default:
            {
                Action<string> set = value => vaults.Azure.SetSecret("openai-key", value);
                var vault = $"\"vault_url\": \"{vaults.Azure.VaultUrl}\", \"authority_host\": \"{vaults.Azure.AuthorityHost}\"";
                vaults.Azure.Applications["app-1"] = "client-secret-1";
                string auth;
                switch (name)
                {
                    case "azure-client-credentials":
                        auth = $", \"tenant_id\": \"{vaults.Azure.TenantId}\", \"client_id\": \"app-1\", \"client_secret\": \"client-secret-1\"";
                        break;
                    case "azure-environment":
                        env["AZURE_TENANT_ID"] = vaults.Azure.TenantId;
                        env["AZURE_CLIENT_ID"] = "app-1";
                        env["AZURE_CLIENT_SECRET"] = "client-secret-1";
                        auth = string.Empty;
                        break;
                    case "azure-managed-identity":
                        vaults.Azure.ManagedIdentities["user-assigned-1"] = true;
                        auth = $", \"managed_identity\": {{ \"client_id\": \"user-assigned-1\", \"endpoint\": \"{vaults.Azure.ImdsEndpoint}\" }}";
                        break;
                    default:
                        vaults.Azure.ManagedIdentities[string.Empty] = true;
                        env["IDENTITY_ENDPOINT"] = vaults.Azure.AppServiceEndpoint;
                        env["IDENTITY_HEADER"] = vaults.Azure.IdentityHeader;
                        auth = ", \"managed_identity\": {}";
                        break;
                }

                return new($$"""{ "type": "azure_key_vault", {{vault}}{{auth}} }""", $"vault.{Store}/openai-key", env, set);
            }
        }
    }
}
