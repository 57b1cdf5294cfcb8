using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Governance.Pricing;
using Tollgate.Inference;
using Tollgate.Pipeline;
using Tollgate.Routing;

namespace Tollgate.Api;

/// <summary>
/// The Anthropic Messages API under <c>/anthropic</c>, served from any provider: requests are translated to the
/// OpenAI dialect the pipeline runs in, and answers (JSON or the exact Anthropic event stream) translated back.
/// Governance applies exactly as on <c>/v1</c>. Errors use Anthropic's shape.
/// </summary>
internal static class AnthropicApi
{
    public static IEndpointRouteBuilder MapAnthropicApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/anthropic/v1").WithTags("Anthropic");
        var executor = endpoints.ServiceProvider.GetRequiredService<InferenceExecutor>(); // no DI scope per request
        var entry = endpoints.ServiceProvider.GetRequiredService<EntryPoints>().Anthropic;
        group.MapPost("/messages", (HttpContext context, CancellationToken _) =>
            executor.ExecuteAsync(context, InferenceOperation.ChatCompletions, entry));
        group.MapPost("/messages/count_tokens", CountTokensAsync);
        group.MapGet("/models", ListModelsAsync);
        return endpoints;
    }

    /// <summary>Counts input tokens with the gateway's tokenizer estimate (the same one budgets reserve with).</summary>
    private static async Task CountTokensAsync(HttpContext context, GovernanceStage governance, TokenEstimator estimator, GatewayConfigMonitor config)
    {
        if (governance.Authenticate(context, out _) is { } authError)
        {
            await ErrorResponses.WriteAsync(context, authError).ConfigureAwait(false);
            return;
        }

        var (body, readError) = await RequestBodyReader.ReadAsync(context, config.Current.Client.MaxRequestBodyBytes).ConfigureAwait(false);
        if (readError is not null)
        {
            await ErrorResponses.WriteAsync(context, readError).ConfigureAwait(false);
            return;
        }

        using (body)
        using (var translated = new PooledBufferWriter(body!.WrittenCount + 512))
        {
            try
            {
                using var document = JsonDocument.Parse(body.WrittenMemory);
                using (var writer = new Utf8JsonWriter(translated, JsonOutput.WriterOptions))
                {
                    // count_tokens bodies carry no max_tokens; give the translator one so it does not refuse.
                    var error = Anthropic.AnthropicInboundRequest.WriteChatRequest(WithMaxTokens(document.RootElement), writer, out _);
                    if (error is not null)
                    {
                        await ErrorResponses.WriteAsync(context, GatewayError.BadRequest(error.Message, error.Param)).ConfigureAwait(false);
                        return;
                    }
                }
            }
            catch (Exception ex) when (MalformedInput.Is(ex))
            {
                await ErrorResponses.WriteAsync(context, MalformedInput.Error(ex)).ConfigureAwait(false);
                return;
            }

            var tokens = estimator.EstimateChatInput(translated.WrittenSpan);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"input_tokens":{{tokens}}}""", context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static JsonElement WithMaxTokens(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("max_tokens", out _))
        {
            return root;
        }

        using var buffer = new PooledBufferWriter(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in root.EnumerateObject())
            {
                property.WriteTo(writer);
            }

            writer.WriteNumber("max_tokens", 1);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory.ToArray());
        return document.RootElement.Clone();
    }

    /// <summary>Every routable model in Anthropic's list shape.</summary>
    private static async Task ListModelsAsync(HttpContext context, ModelCatalog catalog)
    {
        var models = await catalog.ListAsync(context.RequestAborted).ConfigureAwait(false);
        context.Response.ContentType = "application/json";
        using var buffer = new PooledBufferWriter(8192);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("data");
            foreach (var model in models)
            {
                writer.WriteStartObject();
                writer.WriteString("type", "model");
                writer.WriteString("id", model.Id);
                writer.WriteString("display_name", model.Id);
                writer.WriteString("created_at", "1970-01-01T00:00:00Z");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteBoolean("has_more", false);
            if (models.Count > 0)
            {
                writer.WriteString("first_id", models[0].Id);
                writer.WriteString("last_id", models[^1].Id);
            }
            else
            {
                writer.WriteNull("first_id");
                writer.WriteNull("last_id");
            }

            writer.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
