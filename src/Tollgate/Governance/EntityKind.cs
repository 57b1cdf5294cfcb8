namespace Tollgate.Governance;

/// <summary>The kinds under which governance entities are stored; also the names errors use for them.</summary>
internal static class EntityKind
{
    public const string Customer = "customer";
    public const string Team = "team";
    public const string Budget = "budget";
    public const string RateLimit = "rate_limit";
    public const string VirtualKey = "virtual_key";
    public const string ModelLimit = "model_limit";
}
