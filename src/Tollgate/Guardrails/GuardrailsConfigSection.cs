using Tollgate.Configuration;

namespace Tollgate.Guardrails;

/// <summary>Reads the gateway-wide <c>guardrails</c> section and compiles it with the registered check factories.</summary>
internal sealed class GuardrailsConfigSection(GuardrailsReader reader) : IConfigSectionReader
{
    public void Read(JsonObjectReader root, ConfigLoadContext context)
    {
        if (root.TryGet("guardrails", out var section))
        {
            context.Set(reader.Read(section, "$.guardrails"));
        }
    }
}

internal static class GuardrailsConfigAccess
{
    extension(GatewayConfig config)
    {
        /// <summary>Gateway-wide guardrails (<c>guardrails</c>), compiled.</summary>
        public GuardrailsConfig Guardrails => config.Sections.Get<GuardrailsConfig>() ?? GuardrailsConfig.Empty;
    }
}
