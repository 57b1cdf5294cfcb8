namespace Tollgate.Operations.Exports;

public enum ExportDestinationType
{
    Directory,
    S3,
}
