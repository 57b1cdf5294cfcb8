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
    public const string Gemini = "gemini";
    public const string Vertex = "vertex";
    public const string Cohere = "cohere";
    public const string Bedrock = "bedrock";
    public const string Unknown = "unknown";

    private static readonly string[] Wave2 = [Gemini, Vertex, Cohere, Bedrock];

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

        foreach (var name in Wave2)
        {
            if (path.StartsWithSegments("/" + name))
            {
                return name;
            }
        }

        return path.StartsWithSegments("/" + Compat) ? Compat : Unknown;
    }
}
