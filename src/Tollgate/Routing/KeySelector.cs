using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Providers;

namespace Tollgate.Routing;

/// <summary>
/// Weighted random choice among a provider's keys that allow the model, using each key's effective (health-scaled)
/// weight, skipping keys whose circuit is open and keys this request already found failing. No locks and no
/// allocations: two passes over the key list.
/// </summary>
internal static class KeySelector
{
    /// <summary>Returns false when no available key serves the model. <paramref name="key"/> is null for a keyless provider.</summary>
    public static bool TrySelect(ProviderRuntime provider, string model, ulong excludedMask, DateTimeOffset now, out ProviderKeyConfig? key)
    {
        var keys = provider.Config.Keys;
        var health = provider.Health;
        key = null;
        if (keys.Count == 0)
        {
            return excludedMask == 0 && health[0].IsAvailable(now);
        }

        var total = 0.0;
        for (var i = 0; i < keys.Count; i++)
        {
            if (IsCandidate(keys[i], i, model, excludedMask) && health[i].IsAvailable(now))
            {
                total += health[i].EffectiveWeight;
            }
        }

        if (total <= 0)
        {
            // Every allowed key has weight 0: weights only share traffic, they do not disable a key.
            for (var i = 0; i < keys.Count; i++)
            {
                if ((excludedMask & Bit(i)) == 0 && AllowsModel(keys[i], model) && health[i].IsAvailable(now))
                {
                    key = keys[i];
                    return true;
                }
            }

            return false;
        }

        var pick = Random.Shared.NextDouble() * total;
        for (var i = 0; i < keys.Count; i++)
        {
            if (!IsCandidate(keys[i], i, model, excludedMask) || !health[i].IsAvailable(now))
            {
                continue;
            }

            pick -= health[i].EffectiveWeight;
            key = keys[i];
            if (pick < 0)
            {
                break;
            }
        }

        return true;
    }

    public static int IndexOf(ProviderRuntime provider, ProviderKeyConfig? key)
    {
        if (key is null)
        {
            return 0;
        }

        var keys = provider.Config.Keys;
        for (var i = 0; i < keys.Count; i++)
        {
            if (ReferenceEquals(keys[i], key))
            {
                return i;
            }
        }

        return 0;
    }

    public static ulong Bit(int index) => index < 64 ? 1UL << index : 0;

    public static bool AllowsModel(ProviderKeyConfig key, string model)
    {
        // An index loop, not foreach: Models is an IReadOnlyList, and enumerating it through the interface boxes an
        // enumerator, 32 B per key per pass (208 B per selection over four keys, measured in bench/micro).
        var models = key.Models;
        for (var i = 0; i < models.Count; i++)
        {
            if (Glob.Matches(models[i], model))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCandidate(ProviderKeyConfig key, int index, string model, ulong excludedMask) =>
        key.Weight > 0 && (excludedMask & Bit(index)) == 0 && AllowsModel(key, model);
}
