namespace Tollgate.Governance;

/// <summary>The answer of <see cref="GovernanceService.TakeModelLimitsAsync"/> for one attempt.</summary>
/// <param name="Denial">Null when the attempt may go.</param>
/// <param name="KeyScoped">True when the refusing limit is bound to the chosen provider key, so another key could pass.</param>
/// <param name="EstimatedInputTokens">The call's input estimate, made here when a limit needed it and none existed.</param>
/// <param name="Takes">What was taken, to correct at settlement; the list passed in, or a new one, or null.</param>
internal readonly record struct ModelLimitOutcome(
    GovernanceDenial? Denial,
    bool KeyScoped,
    int EstimatedInputTokens,
    List<ModelLimitTake>? Takes);
