using Tollgate.Inference;

namespace Tollgate.Governance;

/// <summary>What settlement decided: the usage billed (estimated when the upstream reported none) and its cost.</summary>
/// <param name="CostNano">Cost in nano-USD; null when the model has no price or the call never reached an upstream.</param>
internal readonly record struct Settlement(TokenUsage Usage, bool UsageEstimated, long? CostNano);
