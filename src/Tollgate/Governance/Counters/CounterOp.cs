namespace Tollgate.Governance.Counters;

/// <summary>One step of a counter batch: a counter (by logical key, e.g. <c>b:b-acme</c>) and what to do with it.</summary>
internal readonly record struct CounterOp(CounterOpKind Kind, string Key, long A = 0, long B = 0, long C = 0, long D = 0);
