using System.Runtime.CompilerServices;
using Tollgate.Governance.Limits;

namespace Tollgate.Governance;

// Fixed-size, stack-held arrays for the three governed levels (virtual key, team, customer) of one admission, so the
// rate-limit path of GovernanceService allocates nothing.

[InlineArray(Count)]
internal struct Levels
{
    public const int Count = 3;
    private RateLimitScope? _element;
}

[InlineArray(Levels.Count)]
internal struct Buckets
{
    private TokenBucket _element;
}
