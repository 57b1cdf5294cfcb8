namespace Tollgate.Operations.Exports;

/// <summary>The config file's <c>exports</c> section (DESIGN.md, wave 2 contracts).</summary>
public sealed record ExportsConfig
{
    public static readonly ExportsConfig Empty = new();

    public IReadOnlyList<ExportDestinationConfig> Destinations { get; init; } = [];

    public IReadOnlyList<ExportScheduleConfig> Schedules { get; init; } = [];
}
