using System.Reflection;

namespace Tollgate.Cluster;

/// <summary>This process as a member of the cluster: a fresh id per start, so a restarted instance is a new member.</summary>
internal sealed class ClusterInstance
{
    public ClusterInstance(string? address, string? id = null)
    {
        Id = id ?? $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        Address = string.IsNullOrEmpty(address) ? Environment.MachineName : address;
        Version = typeof(ClusterInstance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(ClusterInstance).Assembly.GetName().Version?.ToString() ?? "0.0.0";
    }

    public string Id { get; }

    /// <summary>An instance with a chosen id (tests that play several instances in one process).</summary>
    public static ClusterInstance ForTest(string id) => new("test", id);

    /// <summary>Where other instances and operators reach it (<c>TOLLGATE_ADVERTISE_ADDRESS</c>, else the listen URLs).</summary>
    public string Address { get; }

    public string Version { get; }
}
