namespace Tollgate.Guardrails.Detection;

/// <summary>A match in a text: where it is and what kind of entity (its placeholder name, e.g. <c>EMAIL</c>).</summary>
internal readonly record struct Finding(int Start, int Length, string Entity)
{
    public int End => Start + Length;
}
