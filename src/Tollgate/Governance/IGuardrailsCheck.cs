using System.Text.Json;

namespace Tollgate.Governance;

/// <summary>
/// Validates the <c>guardrails</c> field of a virtual key or team when it is read (from the file or the admin API), so a
/// bad rule fails there with its JSON path; the field is kept as written and compiled per request scope. Guardrails
/// implements it, since the rule types (built-in and external) are its own.
/// </summary>
public interface IGuardrailsCheck
{
    /// <exception cref="Configuration.ConfigException">A rule is invalid; the message names its path.</exception>
    void Check(JsonElement guardrails, string jsonPath);
}
