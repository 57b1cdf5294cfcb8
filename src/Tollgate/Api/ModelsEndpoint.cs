using System.Text.Json;
using Tollgate.Inference;
using Tollgate.Observability;
using Tollgate.Routing;

namespace Tollgate.Api;

/// <summary><c>GET /v1/models</c>: every routable model as <c>provider/model</c>, in OpenAI's list shape.</summary>
internal static class ModelsEndpoint
{
    public static async Task ListAsync(HttpContext context, ModelCatalog catalog)
    {
        RequestIds.Ensure(context);
        var models = await catalog.ListAsync(context.RequestAborted).ConfigureAwait(false);
        context.Response.ContentType = "application/json";
        using var buffer = new PooledBufferWriter(8192);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString(JsonFields.Object, "list");
            writer.WriteStartArray(JsonFields.Data);
            foreach (var model in models)
            {
                WriteModel(writer, model);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task GetAsync(HttpContext context, string model, ModelCatalog catalog)
    {
        RequestIds.Ensure(context);
        var models = await catalog.ListAsync(context.RequestAborted).ConfigureAwait(false);
        var found = models.FirstOrDefault(m => m.Id == model);
        if (found is null)
        {
            await ErrorResponses.WriteAsync(context, GatewayError.ModelNotFound($"The model '{model}' does not exist or is not routable.")).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json";
        using var buffer = new PooledBufferWriter(512);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            WriteModel(writer, found);
        }

        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private static void WriteModel(Utf8JsonWriter writer, ModelEntry model)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonFields.Id, model.Id);
        writer.WriteString(JsonFields.Object, "model");
        writer.WriteNumber(JsonFields.Created, 0);
        writer.WriteString("owned_by", model.Provider);
        if (model.Task is not null)
        {
            writer.WriteString("task", model.Task);
        }

        writer.WriteEndObject();
    }
}
