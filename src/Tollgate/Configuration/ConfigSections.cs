namespace Tollgate.Configuration;

/// <summary>
/// The feature sections of one snapshot (governance, cluster, alerts, exports, guardrails, vaults), each held as its own
/// type. Configuration names no feature: a feature reads its section through an extension property over
/// <see cref="GatewayConfig"/> and stores it with its <see cref="IConfigSectionReader"/>. A section is found by a slot
/// its type gets once per process, so reading one on the request path is an array index, not a dictionary lookup.
/// </summary>
public sealed class ConfigSections
{
    public static readonly ConfigSections Empty = new([]);

    private static int s_slots;

    private readonly object?[] _values;

    private ConfigSections(object?[] values) => _values = values;

    /// <summary>The section of type <typeparamref name="T"/>, or null when no reader stored one.</summary>
    public T? Get<T>() where T : class
    {
        var slot = Slot<T>.Index;
        return slot < _values.Length ? (T?)_values[slot] : null;
    }

    /// <summary>A copy with <paramref name="value"/> as the section of type <typeparamref name="T"/>.</summary>
    public ConfigSections With<T>(T value) where T : class
    {
        var slot = Slot<T>.Index;
        var values = new object?[Math.Max(_values.Length, slot + 1)];
        _values.CopyTo(values, 0);
        values[slot] = value;
        return new ConfigSections(values);
    }

    private static class Slot<T>
    {
        public static readonly int Index = Interlocked.Increment(ref s_slots) - 1;
    }
}
