using Tollgate.Configuration;

namespace Tollgate.Secrets;

/// <summary>A snapshot's vaults: the stores its <c>vaults</c> section declares and the secrets its values came from.</summary>
public sealed record VaultSection(VaultSet Set, IReadOnlyList<VaultReference> References);

public static class VaultConfigAccess
{
    extension(GatewayConfig config)
    {
        /// <summary>The stores of the <c>vaults</c> section, with their clients and cached secrets.</summary>
        public VaultSet Vaults => config.Sections.Get<VaultSection>()?.Set ?? VaultSet.Empty;

        /// <summary>Vault secrets this snapshot's values came from, which the refresher reads again (docs/secrets.md).</summary>
        public IReadOnlyList<VaultReference> VaultReferences => config.Sections.Get<VaultSection>()?.References ?? [];
    }
}
