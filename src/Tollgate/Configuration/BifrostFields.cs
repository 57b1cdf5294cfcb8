using System.Collections.Frozen;

namespace Tollgate.Configuration;

/// <summary>
/// Fields of Bifrost's config.json that Tollgate accepts but does not implement yet. A Bifrost file must load as it is
/// (DESIGN.md), so these are warnings; a field in neither Tollgate's nor Bifrost's schema is an error.
/// </summary>
internal static class BifrostFields
{
    public static readonly FrozenSet<string> Root = FrozenSet.Create(StringComparer.Ordinal,
        "$schema", "plugins", "mcp", "framework", "vector_store", "config_store", "logs_store", "cluster_config",
        "auth_config", "encryption_key", "websocket", "saml_config", "guardrails_config", "load_balancer_config");

    public static readonly FrozenSet<string> Client = FrozenSet.Create(StringComparer.Ordinal,
        "drop_excess_requests", "initial_pool_size", "prometheus_labels",
        "enable_governance", "enforce_governance_header", "allow_direct_keys", "allowed_origins",
        "enable_litellm_fallbacks", "header_filter_config", "disable_db_pings_in_health", "max_request_body_size_mb_for_logging");

    public static readonly FrozenSet<string> Provider = FrozenSet.Create(StringComparer.Ordinal,
        "concurrency_and_buffer_size", "proxy_config", "send_back_raw_response", "send_back_raw_request",
        "store_raw_request_response", "openai_config");

    public static readonly FrozenSet<string> Network = FrozenSet.Create(StringComparer.Ordinal,
        "insecure_skip_verify", "ca_cert_pem", "max_conns_per_host");

    public static readonly FrozenSet<string> Key = FrozenSet.Create(StringComparer.Ordinal,
        "use_for_batch_api", "enabled", "description");

    public static readonly FrozenSet<string> CustomProvider = FrozenSet.Create(StringComparer.Ordinal,
        "allowed_requests", "request_path_overrides");

    public static readonly FrozenSet<string> AzureKey = FrozenSet.Create(StringComparer.Ordinal,
        "client_id", "client_secret", "tenant_id");

    /// <summary>Bedrock key fields Tollgate does not implement yet (STS AssumeRole, batch jobs, the inference-profile ARN).</summary>
    public static readonly FrozenSet<string> BedrockKey = FrozenSet.Create(StringComparer.Ordinal,
        "arn", "role_arn", "session_name", "external_id", "batch_s3_config");

    /// <summary>Provider types Bifrost has and Tollgate does not route to yet.</summary>
    public static readonly FrozenSet<string> ProviderTypes = FrozenSet.Create(StringComparer.Ordinal,
        "sgl", "parasail", "elevenlabs", "huggingface", "nebius", "replicate");
}
