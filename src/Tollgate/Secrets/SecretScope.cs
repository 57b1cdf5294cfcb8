using Tollgate.Configuration;

namespace Tollgate.Secrets;

/// <summary>
/// One config load's view of the vaults: the stores its file declares and the references it resolved, so the refresher
/// knows what to read again. Ambient (an <see cref="AsyncLocal{T}"/> of the resolver) because the readers that resolve
/// secrets (providers, governance, alerts) take a resolver, not a load context.
/// </summary>
public sealed class SecretScope : ISecretScope
{
    private readonly AsyncLocal<SecretScope?> _slot;
    private readonly SecretScope? _previous;
    private readonly HashSet<VaultReference> _references = [];
    private readonly Lock _gate = new();

    internal SecretScope(VaultSet set, AsyncLocal<SecretScope?> slot)
    {
        Set = set;
        _slot = slot;
        _previous = slot.Value;
        slot.Value = this;
    }

    public VaultSet Set { get; }

    public IReadOnlyList<VaultReference> References
    {
        get
        {
            lock (_gate)
            {
                return [.. _references];
            }
        }
    }

    internal void Record(VaultReference reference)
    {
        lock (_gate)
        {
            _references.Add(reference with { Field = null });
        }
    }

    /// <summary>Records this scope's vaults, and its references beside those the sections already hold.</summary>
    public ConfigSections Complete(ConfigSections sections)
    {
        var earlier = sections.Get<VaultSection>()?.References ?? [];
        return sections.With(new VaultSection(Set, [.. earlier.Union(References)]));
    }

    public void Dispose() => _slot.Value = _previous;
}
