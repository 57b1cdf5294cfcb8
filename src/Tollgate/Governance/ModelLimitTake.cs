using Tollgate.Governance.Limits;

namespace Tollgate.Governance;

/// <summary>Tokens one call took from a model limit's token bucket, to correct once the real usage is known.</summary>
internal readonly record struct ModelLimitTake(TokenBucket Bucket, bool Output, long Taken);
