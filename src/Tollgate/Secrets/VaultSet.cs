using System.Collections.Frozen;

namespace Tollgate.Secrets;

/// <summary>The stores one loaded config declares, by name. Part of the config snapshot, swapped with it.</summary>
public sealed class VaultSet
{
    public static readonly VaultSet Empty = new(FrozenDictionary<string, VaultStore>.Empty);

    internal VaultSet(FrozenDictionary<string, VaultStore> stores) => Stores = stores;

    internal FrozenDictionary<string, VaultStore> Stores { get; }

    public int Count => Stores.Count;
}
