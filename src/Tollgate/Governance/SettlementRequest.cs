using Tollgate.Governance.Pricing;
using Tollgate.Inference;

namespace Tollgate.Governance;

/// <summary>How a call went, for <see cref="GovernanceService.SettleAsync"/>.</summary>
/// <param name="Usage">Usage the upstream reported (or the pipeline estimated); empty when none.</param>
/// <param name="Succeeded">True once a success answer went (or started going) to the client.</param>
/// <param name="Attempts">Upstream attempts made; 0 means the call never left the gateway (nothing is billed or recorded).</param>
/// <param name="StreamContentChunks">Content chunks relayed on a stream, the output estimate when a stream reports no usage.</param>
/// <param name="Status">The status the client got, for the usage record.</param>
internal readonly record struct SettlementRequest(
    MeteredCall Call,
    string RequestId,
    string? KeyName,
    TokenUsage Usage,
    bool UsageEstimated,
    bool Succeeded,
    int Attempts,
    int EstimatedInputTokens,
    int StreamContentChunks,
    ModelPrice? Price,
    List<ModelLimitTake>? ModelLimitTakes,
    int Status);
