namespace Tollgate.Emulator.Pipeline;

/// <summary>Provider names as used in the journal, counters and fault rules; each is also its URL prefix.</summary>
internal static class ProviderNames
{
    public const string OpenAI = "openai";
    public const string Azure = "azure";
    public const string Anthropic = "anthropic";
    public const string Databricks = "databricks";
    public const string Compat = "compat";
    public const string ContentSafety = "contentsafety";
    public const string GuardHook = "guardhook";
    public const string Unknown = "unknown";

    public static string FromPath(PathString path)
    {
        if (path.StartsWithSegments("/" + OpenAI))
        {
            return OpenAI;
        }

        if (path.StartsWithSegments("/" + Azure))
        {
            return Azure;
        }

        if (path.StartsWithSegments("/" + Anthropic))
        {
            return Anthropic;
        }

        if (path.StartsWithSegments("/" + Databricks))
        {
            return Databricks;
        }

        if (path.StartsWithSegments("/" + ContentSafety))
        {
            return ContentSafety;
        }

        if (path.StartsWithSegments("/" + GuardHook))
        {
            return GuardHook;
        }

        return path.StartsWithSegments("/" + Compat) ? Compat : Unknown;
    }
}
