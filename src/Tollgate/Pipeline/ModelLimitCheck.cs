using Tollgate.Configuration;

namespace Tollgate.Pipeline;

/// <summary>
/// Takes the per-model limits (governance) for an attempt with <paramref name="key"/>; an error refuses the attempt, and
/// <paramref name="keyScoped"/> says whether another key of the provider may still have room.
/// </summary>
internal delegate GatewayError? ModelLimitCheck(InferenceCall call, ProviderKeyConfig? key, out bool keyScoped);
