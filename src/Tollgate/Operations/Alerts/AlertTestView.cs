namespace Tollgate.Operations.Alerts;

internal sealed record AlertTestView(bool Ok, int Attempts, string Detail);
