namespace Tollgate.Providers;

public enum CircuitState
{
    /// <summary>Traffic flows; consecutive failures are counted.</summary>
    Closed,

    /// <summary>Taken out after repeated failures; no traffic until the cooldown ends.</summary>
    Open,

    /// <summary>Cooldown over: a few probe requests decide between closing and opening again.</summary>
    HalfOpen,
}
