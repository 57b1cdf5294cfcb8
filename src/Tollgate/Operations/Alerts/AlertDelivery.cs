namespace Tollgate.Operations.Alerts;

/// <summary>How one send went: expected failures are values (the history shows them), not exceptions.</summary>
public sealed record AlertDelivery(bool Ok, int Attempts, string Detail);
