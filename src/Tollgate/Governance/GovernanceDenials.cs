using Tollgate.Governance.Counters;
using Tollgate.Governance.Limits;
using Tollgate.Governance.Pricing;

namespace Tollgate.Governance;

/// <summary>The denials governance answers with, worded once: what was exceeded, by how much, and when to retry.</summary>
internal static class GovernanceDenials
{
    public static GovernanceDenial Unavailable(CountersUnavailableException ex) =>
        new(GovernanceDenialKind.Unavailable, ex.Message, "counters_unavailable") { RetryAfterSeconds = 1 };

    public static GovernanceDenial BudgetExceeded(BudgetDenial denial, DateTimeOffset now)
    {
        var limit = CostCalculator.FromNanoUsd(denial.LimitNano);
        var used = CostCalculator.FromNanoUsd(denial.SpentAndReservedNano);
        return new GovernanceDenial(GovernanceDenialKind.BudgetExceeded,
            $"Budget '{denial.BudgetId}' is exhausted: {used:0.######} of {limit:0.######} USD used or reserved; it resets at {denial.ResetsAt:O}.",
            "budget_exceeded")
        {
            RetryAfterSeconds = (int)Math.Ceiling(Math.Max(0, (denial.ResetsAt - now).TotalSeconds)),
        };
    }

    public static GovernanceDenial RateLimited(string level, RateLimitDecision decision, string unit)
    {
        if (decision.ExceedsCapacity)
        {
            return new GovernanceDenial(GovernanceDenialKind.RateLimited,
                $"This request needs more {unit} than the {level} rate limit allows in a whole window ({decision.Limit}).",
                "rate_limit_exceeded");
        }

        return new GovernanceDenial(GovernanceDenialKind.RateLimited,
            $"Rate limit of the {level} reached ({decision.Limit} {unit} per window); retry in {decision.RetryAfter.TotalSeconds:0.###} s.",
            "rate_limit_exceeded")
        {
            RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds)),
        };
    }

    public static GovernanceDenial Unauthorized(string message, string code) => new(GovernanceDenialKind.Unauthenticated, message, code);
}
