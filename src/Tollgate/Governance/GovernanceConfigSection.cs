using System.Collections.Frozen;
using Tollgate.Configuration;

namespace Tollgate.Governance;

/// <summary>Reads the <c>governance</c> section: customers, teams, budgets, rate limits, model limits, virtual keys.</summary>
internal sealed class GovernanceConfigSection(GovernanceReader reader) : IConfigSectionReader
{
    public void Read(JsonObjectReader root, ConfigLoadContext context)
    {
        if (root.Object("governance") is not { } section)
        {
            return;
        }

        var governance = reader.ReadSection(section, context.Warnings);
        section.Finish(FrozenSet<string>.Empty, context.Warnings);
        GovernanceValidator.Validate(governance, static (collection, index, field) => $"$.governance.{collection}[{index}].{field}");
        context.Set(governance);
    }
}

public static class GovernanceConfigAccess
{
    extension(GatewayConfig config)
    {
        /// <summary>Customers, teams, budgets, rate limits and virtual keys the file declares (read-only elsewhere).</summary>
        public GovernanceConfig Governance => config.Sections.Get<GovernanceConfig>() ?? GovernanceConfig.Empty;
    }
}
