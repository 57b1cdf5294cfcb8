namespace Tollgate.Operations.Exports;

public enum ExportFormat
{
    Jsonl,
    Csv,
    Parquet,
}
