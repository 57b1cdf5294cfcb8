using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tollgate.Emulator.Pipeline;

namespace Tollgate.Emulator.Providers;

/// <summary>api.openai.com under <c>/openai/v1</c>: Bearer keys starting with <c>sk-test</c> are valid.</summary>
internal static class OpenAIApi
{
    public const string ValidKeyPrefix = "sk-test";

    /// <summary>OpenAI answers with the dated snapshot a model alias points at; gateways must not expect the alias back.</summary>
    public const string VersionSuffix = "-2024-07-18";

    private static readonly string[] Models =
        ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "o3-mini", "gpt-3.5-turbo-instruct", "text-embedding-3-small", "text-embedding-3-large"];

    public static OpenAIDialect Dialect { get; } = new()
    {
        Provider = ProviderNames.OpenAI,
        WriteError = WriteErrorAsync,
        OpenAIExtras = true,
    };

    public static RouteGroupBuilder MapOpenAI(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/openai/v1");
        group.MapPost("/chat/completions", ChatAsync);
        group.MapPost("/completions", CompletionsAsync);
        group.MapPost("/embeddings", EmbeddingsAsync);
        group.MapGet("/models", ModelsAsync);
        group.MapResponses();
        return group;
    }

    public static Task WriteErrorAsync(HttpContext ctx, OpenAIError e) =>
        JsonOut.WriteAsync(ctx, e.Status, ErrorBodies.OpenAI(e.Message, e.Type, e.Param, e.Code));

    /// <summary>Appends <see cref="VersionSuffix"/> unless the model already names a dated snapshot.</summary>
    public static string Versioned(string model) =>
        Regex.IsMatch(model, @"-\d{4}-\d{2}-\d{2}$", RegexOptions.CultureInvariant) ? model : model + VersionSuffix;

    private static Task ChatAsync(HttpContext ctx) => HandleAsync(ctx, OpenAIFamily.ChatAsync, versioned: true);

    private static Task CompletionsAsync(HttpContext ctx) => HandleAsync(ctx, OpenAIFamily.CompletionsAsync, versioned: true);

    private static Task EmbeddingsAsync(HttpContext ctx) => HandleAsync(ctx, OpenAIFamily.EmbeddingsAsync, versioned: false);

    private static async Task ModelsAsync(HttpContext ctx)
    {
        if (await RejectUnauthorizedAsync(ctx))
        {
            return;
        }

        await JsonOut.WriteAsync(ctx, 200, OpenAIFamily.ModelList(Models, "system"));
    }

    private static async Task HandleAsync(HttpContext ctx, Func<HttpContext, OpenAIDialect, JsonObject, string, Task> operation, bool versioned)
    {
        if (await RejectUnauthorizedAsync(ctx) || await OpenAIFamily.RequireBodyAsync(ctx, Dialect) is not JsonObject body)
        {
            return;
        }

        var model = body.GetString("model");
        if (string.IsNullOrEmpty(model))
        {
            await WriteErrorAsync(ctx, new OpenAIError(400, "you must provide a model parameter"));
            return;
        }

        if (model.Contains(OpenAIFamily.UnknownModelMarker, StringComparison.Ordinal))
        {
            await WriteErrorAsync(ctx, new OpenAIError(404, $"The model `{model}` does not exist or you do not have access to it.", null, "model_not_found"));
            return;
        }

        await operation(ctx, Dialect, body, versioned ? Versioned(model) : model);
    }

    private static async Task<bool> RejectUnauthorizedAsync(HttpContext ctx)
    {
        var authorization = ctx.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= "Bearer ".Length)
        {
            await WriteErrorAsync(ctx, new OpenAIError(
                401,
                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). "
                + "You can obtain an API key from https://platform.openai.com/account/api-keys."));
            return true;
        }

        var key = authorization["Bearer ".Length..].Trim();
        if (key.StartsWith(ValidKeyPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        await WriteErrorAsync(ctx, new OpenAIError(
            401, $"Incorrect API key provided: {Mask(key)}. You can find your API key at https://platform.openai.com/account/api-keys.", null, "invalid_api_key"));
        return true;
    }

    private static string Mask(string key) =>
        key.Length <= 8 ? new string('*', key.Length) : key[..4] + new string('*', key.Length - 8) + key[^4..];
}
