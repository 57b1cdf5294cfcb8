namespace Tollgate.Observability.RequestLogs.Rollup;

/// <summary>What an hourly rollup row is grouped by; stored as its number, so never renumber.</summary>
internal enum RollupDimension : byte
{
    /// <summary>Provider (k1) and model (k2): the stats' top models and usage by model.</summary>
    Model = 0,

    Provider = 1,

    VirtualKey = 2,

    Team = 3,

    Customer = 4,
}
