namespace Tollgate.Inference;

/// <summary>Model-name globs: <c>*</c> matches any run of characters, everything else matches itself (ordinal).</summary>
internal static class Glob
{
    public static bool IsPattern(string pattern) => pattern.Contains('*');

    public static bool Matches(string pattern, ReadOnlySpan<char> text)
    {
        if (pattern == "*")
        {
            return true;
        }

        var p = pattern.AsSpan();
        int pi = 0, ti = 0, starP = -1, starT = 0;
        while (ti < text.Length)
        {
            if (pi < p.Length && p[pi] == '*')
            {
                starP = pi++;
                starT = ti;
            }
            else if (pi < p.Length && p[pi] == text[ti])
            {
                pi++;
                ti++;
            }
            else if (starP >= 0)
            {
                pi = starP + 1;
                ti = ++starT;
            }
            else
            {
                return false;
            }
        }

        while (pi < p.Length && p[pi] == '*')
        {
            pi++;
        }

        return pi == p.Length;
    }
}
