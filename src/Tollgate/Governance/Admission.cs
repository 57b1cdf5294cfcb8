using Tollgate.Governance.Limits;
using Tollgate.Governance.Pricing;

namespace Tollgate.Governance;

/// <summary>
/// The answer of <see cref="GovernanceService.AdmitAsync"/>: a denial, or a ticket to settle exactly once. Either way it
/// carries the model's price and the rate-limit state the <c>x-ratelimit-*</c> headers report (on a denial, only the
/// unit that refused).
/// </summary>
internal readonly record struct Admission(
    GovernanceDenial? Denial,
    GovernanceTicket Ticket,
    ModelPrice? Price,
    int EstimatedInputTokens,
    RateLimitDecision? Requests,
    RateLimitDecision? Tokens);
