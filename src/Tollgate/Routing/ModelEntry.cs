namespace Tollgate.Routing;

/// <summary>A routable model as <c>GET /v1/models</c> lists it.</summary>
internal sealed record ModelEntry(string Provider, string Model, ModelSource Source, string? Task = null)
{
    public string Id => $"{Provider}/{Model}";
}

internal enum ModelSource
{
    Configured,
    Discovered,
}
