namespace Tollgate.Tests.Cluster;

/// <summary>
/// The tests that run clusters of gateway processes take turns: two three-process clusters starting at once on a
/// two-core machine, beside the rest of the suite, would mostly measure the machine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterProcesses
{
    public const string Name = "Cluster processes";
}
