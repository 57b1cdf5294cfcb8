using Tollgate.Cluster;
using Tollgate.Hosting;

namespace Tollgate.Tests.Operations.Alerts;

/// <summary>Leadership a test turns on and off, as a lease would come and go.</summary>
internal sealed class SwitchableLeadership : IClusterLeadership
{
    public bool IsLeader { get; set; } = true;
}
