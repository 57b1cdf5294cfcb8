namespace Tollgate.Bench.Logs;

internal sealed record BackendResult(string Name)
{
    public List<Row> Rows { get; } = [];

    public List<string> Notes { get; } = [];
}
