namespace Tollgate.Operations.Exports;

/// <summary>A destination as the API shows it: never its keys.</summary>
internal sealed record ExportDestinationView(string Id, string Type, string Location);
