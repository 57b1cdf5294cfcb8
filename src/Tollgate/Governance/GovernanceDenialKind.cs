namespace Tollgate.Governance;

/// <summary>Why governance refused a call; the pipeline turns each kind into its HTTP status and error type.</summary>
internal enum GovernanceDenialKind
{
    /// <summary>No virtual key, an unknown one, or one disabled, expired or rotated out (401).</summary>
    Unauthenticated,

    /// <summary>The key may not use this provider or model (403).</summary>
    Forbidden,

    /// <summary>A rate limit, model limit or concurrency cap (429, usually with a retry hint).</summary>
    RateLimited,

    /// <summary>A budget cannot cover the call's worst case (402).</summary>
    BudgetExceeded,

    /// <summary>The shared counters cannot be reached and the cluster is configured to fail closed (503).</summary>
    Unavailable,
}
