using Tollgate.Governance.Model;
using Tollgate.Inference;

namespace Tollgate.Governance;

internal static class VirtualKeyAccess
{
    /// <summary>Whether the key may call <paramref name="model"/> on <paramref name="provider"/>: no provider list allows all.</summary>
    public static bool IsAllowed(this VirtualKey key, string provider, string model)
    {
        if (key.ProviderConfigs.Count == 0)
        {
            return true;
        }

        foreach (var access in key.ProviderConfigs)
        {
            if (access.Provider == provider)
            {
                foreach (var pattern in access.AllowedModels)
                {
                    if (Glob.Matches(pattern, model))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
