namespace Tollgate.Configuration;

/// <summary>
/// A conditional route: when every condition holds, the request's model is replaced by one of the targets, chosen
/// by weight. Conditions left null match anything. Rules are evaluated in order; the first match wins.
/// </summary>
public sealed record RoutingRule
{
    public required string Name { get; init; }

    /// <summary>Glob on the requested model (<c>gpt-4o*</c>, <c>openai/*</c>).</summary>
    public string? Model { get; init; }

    /// <summary>Virtual key ids the rule applies to.</summary>
    public IReadOnlyList<string>? VirtualKeys { get; init; }

    /// <summary>Team ids the rule applies to (the virtual key's team).</summary>
    public IReadOnlyList<string>? Teams { get; init; }

    /// <summary>Request headers that must have these exact values (names case-insensitive).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Entries the request body's <c>metadata</c> object must have with these exact string values.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    public required IReadOnlyList<RouteTarget> Targets { get; init; }
}

/// <summary>One target of a rule: a model (<c>provider/model</c> or bare) and its share of the traffic.</summary>
public sealed record RouteTarget(string Model, double Weight);
