using Tollgate.Guardrails.Detection;

namespace Tollgate.Guardrails;

/// <summary>One rule that fired: its id, what it did, and how many of each entity type (never the matched text).</summary>
internal sealed record GuardrailFiring(string RuleId, GuardrailAction Action, GuardrailDirection Direction, IReadOnlyDictionary<string, int> Entities);

/// <summary>What the rules made of one text: the rule that blocked it (or null), the masked text and every firing.</summary>
internal sealed class GuardrailResult
{
    public GuardrailRule? BlockedBy { get; set; }

    /// <summary>The text with mask rules applied; the input text itself when nothing masked.</summary>
    public required string Text { get; set; }

    public List<GuardrailFiring> Firings { get; } = [];
}

/// <summary>
/// Runs rules over a text: built-in detectors in process, checks from factories with the rule's timeout and
/// <c>on_error</c>, <c>sampling</c> and <c>scope</c> honoured. The stages count firings (<see cref="GuardrailMetrics"/>).
/// </summary>
internal sealed class GuardrailEngine
{
    /// <summary>Runs the built-in rules only (the synchronous path of stream events and JSON answers).</summary>
    public static GuardrailResult EvaluateBuiltIn(GuardrailsConfig config, string text, GuardrailDirection direction, GuardrailScope scope, Masker masker)
    {
        var result = new GuardrailResult { Text = text };
        List<Finding>? findings = null;
        // Block and log rules see the text as sent, mask rules after them: a mask must not hide what a block rule refuses.
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var rule in config.Rules)
            {
                if (rule.Check is not null || (rule.Options.Action == GuardrailAction.Mask) != (pass == 1) || !Selected(rule, direction, scope))
                {
                    continue;
                }

                findings ??= [];
                findings.Clear();
                rule.Find(result.Text, findings);
                if (findings.Count > 0 && Fire(rule, direction, findings, result, masker))
                {
                    return result;
                }
            }
        }

        return result;
    }

    public static async ValueTask<GuardrailResult> EvaluateAsync(GuardrailsConfig config, string text, GuardrailDirection direction, GuardrailScope scope, Masker masker, CancellationToken cancellationToken)
    {
        var result = EvaluateBuiltIn(config, text, direction, scope, masker);
        if (result.BlockedBy is not null)
        {
            return result;
        }

        foreach (var rule in config.Rules)
        {
            if (rule.Check is null || !Selected(rule, direction, scope))
            {
                continue;
            }

            var verdict = await RunCheckAsync(rule, result.Text, direction, cancellationToken).ConfigureAwait(false);
            if (verdict.Outcome == GuardrailOutcome.Pass || (verdict.Outcome == GuardrailOutcome.Error && rule.Options.OnError == GuardrailOnError.Open))
            {
                continue;
            }

            var categories = verdict.Outcome == GuardrailOutcome.Error ? ["ERROR"] : verdict.Categories.Count > 0 ? verdict.Categories : (IReadOnlyList<string>)["FLAGGED"];
            // A check has no spans to mask: mask and block both refuse the text, log lets it through.
            var action = rule.Options.Action == GuardrailAction.Log && verdict.Outcome != GuardrailOutcome.Error ? GuardrailAction.Log : GuardrailAction.Block;
            Record(rule, action, direction, categories.GroupBy(static c => c, StringComparer.Ordinal).ToDictionary(static g => g.Key, static g => g.Count(), StringComparer.Ordinal), result);
            if (action == GuardrailAction.Block)
            {
                result.BlockedBy = rule;
                return result;
            }
        }

        return result;
    }

    private static async ValueTask<GuardrailVerdict> RunCheckAsync(GuardrailRule rule, string text, GuardrailDirection direction, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(rule.Options.TimeoutMs);
        try
        {
            return await rule.Check!.CheckAsync(text, direction, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return GuardrailVerdict.Failed("timeout");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return GuardrailVerdict.Failed(ex.GetType().Name);
        }
    }

    private static bool Selected(GuardrailRule rule, GuardrailDirection direction, GuardrailScope scope) =>
        rule.Applies(direction) && rule.InScope(scope.Model, scope.Provider, scope.KeyId) &&
        (rule.Options.Sampling >= 1 || Random.Shared.NextDouble() < rule.Options.Sampling);

    /// <returns>True when the rule blocks.</returns>
    private static bool Fire(GuardrailRule rule, GuardrailDirection direction, List<Finding> findings, GuardrailResult result, Masker masker)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var finding in findings)
        {
            counts[finding.Entity] = counts.GetValueOrDefault(finding.Entity) + 1;
        }

        Record(rule, rule.Options.Action, direction, counts, result);
        switch (rule.Options.Action)
        {
            case GuardrailAction.Block:
                result.BlockedBy = rule;
                return true;
            case GuardrailAction.Mask:
                result.Text = masker.Mask(result.Text, findings);
                return false;
            default:
                return false;
        }
    }

    private static void Record(GuardrailRule rule, GuardrailAction action, GuardrailDirection direction, Dictionary<string, int> counts, GuardrailResult result)
    {
        result.Firings.Add(new GuardrailFiring(rule.Options.Id, action, direction, counts));
    }

    public static string ActionName(GuardrailAction action) => action switch
    {
        GuardrailAction.Block => "block",
        GuardrailAction.Mask => "mask",
        _ => "log",
    };
}

/// <summary>Who and what a call is, for rule scopes.</summary>
internal readonly record struct GuardrailScope(string? Model, string? Provider, string? KeyId);
