using Tollgate.Configuration;
using Tollgate.Inference;

namespace Tollgate.Pipeline;

/// <summary>
/// Takes the per-model limits (governance) for an attempt with <paramref name="key"/>; an error refuses the attempt, and
/// <c>KeyScoped</c> says whether another key of the provider may still have room.
/// </summary>
internal delegate ValueTask<(GatewayError? Error, bool KeyScoped)> ModelLimitCheck(InferenceCall call, ProviderKeyConfig? key);
