namespace Tollgate.Governance.Counters;

/// <summary>An admission batch as sent, with what answered it.</summary>
/// <param name="Levels">Per step: the rate-limit level (<c>vk</c>, <c>team</c>, <c>customer</c>) of a take, else null.</param>
/// <param name="Estimate">The input-token estimate, when a limit or budget needed one.</param>
/// <param name="ReservedNano">The worst-case cost reserved on each budget.</param>
internal sealed record SharedAdmission(List<CounterOp> Ops, List<string?> Levels, CounterBatchResult Result, int? Estimate, long ReservedNano);
