using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Emulator.Pipeline;
using Tollgate.Emulator.Script;

namespace Tollgate.Emulator.Providers;

/// <summary>
/// Google's generateContent API on its two hosts:
/// <code>
///   /gemini/v1beta/models/{model}:generateContent | :streamGenerateContent[?alt=sse] | :batchEmbedContents | :embedContent
///       x-goog-api-key starting gm-test (missing: 403 PERMISSION_DENIED; wrong: 400 API_KEY_INVALID, as Google answers)
///   /vertex/v1/projects/{p}/locations/{l}/publishers/google/models/{model}:generateContent | ... | :predict
///       Bearer token from /vertex/token (JWT bearer grant, RS256 verified against the emulator's service account key)
/// </code>
/// Errors are <c>{"error":{"code","message","status"}}</c>. Streams with <c>alt=sse</c> are <c>data: {...}\r\n\r\n</c> events with
/// no end marker, each carrying running usageMetadata; without it the answer is one streamed JSON array, as Google does.
/// </summary>
internal static class GoogleApi
{
    public const string ValidKeyPrefix = "gm-test";

    public static void MapGoogle(this IEndpointRouteBuilder app)
    {
        app.MapPost("/gemini/v1beta/models/{modelAction}", GeminiAsync);
        app.MapGet("/gemini/v1beta/models", GeminiModelsAsync);
        app.MapPost("/vertex/v1/projects/{project}/locations/{location}/publishers/google/models/{modelAction}", VertexAsync);
        app.MapPost("/vertex/token", TokenAsync);
    }

    private static async Task GeminiAsync(HttpContext ctx)
    {
        var key = ctx.Request.Headers["x-goog-api-key"].ToString();
        if (key.Length == 0)
        {
            key = ctx.Request.Query["key"].ToString();
        }

        if (key.Length == 0)
        {
            await WriteErrorAsync(ctx, 403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
            return;
        }

        if (!key.StartsWith(ValidKeyPrefix, StringComparison.Ordinal))
        {
            await WriteErrorAsync(ctx, 400, "API key not valid. Please pass a valid API key.");
            return;
        }

        await DispatchAsync(ctx, ProviderNames.Gemini);
    }

    private static async Task VertexAsync(HttpContext ctx)
    {
        var authorization = ctx.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : string.Empty;
        if (!ctx.EmuState().IsGoogleTokenValid(token))
        {
            await WriteErrorAsync(ctx, 401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.");
            return;
        }

        await DispatchAsync(ctx, ProviderNames.Vertex);
    }

    private static async Task DispatchAsync(HttpContext ctx, string provider)
    {
        var modelAction = ctx.RouteString("modelAction") ?? string.Empty;
        var colon = modelAction.LastIndexOf(':');
        if (colon <= 0)
        {
            await WriteErrorAsync(ctx, 404, "Method not found.");
            return;
        }

        var model = modelAction[..colon];
        var action = modelAction[(colon + 1)..];
        if (model.Contains(OpenAIFamily.UnknownModelMarker, StringComparison.Ordinal))
        {
            await WriteErrorAsync(ctx, 404, provider == ProviderNames.Gemini
                ? $"models/{model} is not found for API version v1beta, or is not supported for {action}. Call ListModels to see the list of available models and their supported methods."
                : $"Publisher Model `projects/{ctx.RouteString("project")}/locations/{ctx.RouteString("location")}/publishers/google/models/{model}` was not found or your project does not have access to it.");
            return;
        }

        var emu = ctx.Emu();
        if (emu.Json is not JsonObject body)
        {
            await WriteErrorAsync(ctx, 400, emu.InvalidJson ? "Invalid JSON payload received. Unexpected token." : "Request contains an invalid argument.");
            return;
        }

        switch (action)
        {
            case "generateContent":
            case "streamGenerateContent":
                await GenerateAsync(ctx, provider, model, body, action == "streamGenerateContent");
                break;
            case "batchEmbedContents" when provider == ProviderNames.Gemini:
                await BatchEmbedAsync(ctx, body);
                break;
            case "embedContent" when provider == ProviderNames.Gemini:
                await JsonOut.WriteAsync(ctx, 200, new JsonObject { ["embedding"] = Embedding(EmbedText(body)) });
                break;
            case "predict" when provider == ProviderNames.Vertex:
                await PredictAsync(ctx, body);
                break;
            default:
                await WriteErrorAsync(ctx, 404, $"Method not found: {action}.");
                break;
        }
    }

    private static async Task GenerateAsync(HttpContext ctx, string provider, string model, JsonObject body, bool stream)
    {
        ChatInput input;
        try
        {
            input = ChatInput.FromGemini(body);
            ValidateTools(body);
        }
        catch (FormatException e)
        {
            await WriteErrorAsync(ctx, 400, e.Message);
            return;
        }

        var plan = ReplyPlanner.Plan(input, provider);
        var responseId = JsonOut.NewId("emu");
        if (!stream)
        {
            await JsonOut.WriteAsync(ctx, 200, Response(model, responseId, Parts(plan, plan.Text), FinishReason(plan), Usage(plan, plan.CompletionTokens)));
            return;
        }

        var sse = ctx.Request.Query["alt"] == "sse";
        var writer = SseWriter.For(ctx);
        if (!await writer.StartAsync(sse ? "text/event-stream" : "application/json; charset=UTF-8"))
        {
            return;
        }

        var events = new List<JsonObject>();
        if (plan.ToolCall is not null)
        {
            // Gemini sends a function call whole, in one event.
            events.Add(Response(model, responseId, Parts(plan, string.Empty), FinishReason(plan), Usage(plan, plan.CompletionTokens)));
        }
        else
        {
            var pieces = plan.Pieces();
            var sent = 0;
            for (var i = 0; i < pieces.Count; i++)
            {
                sent++;
                var last = i == pieces.Count - 1;
                events.Add(Response(model, responseId, new JsonArray { new JsonObject { ["text"] = pieces[i] } }, last ? FinishReason(plan) : null, Usage(plan, sent)));
            }

            if (pieces.Count == 0)
            {
                events.Add(Response(model, responseId, new JsonArray { new JsonObject { ["text"] = string.Empty } }, FinishReason(plan), Usage(plan, 0)));
            }
        }

        for (var i = 0; i < events.Count; i++)
        {
            var json = JsonOut.Serialize(events[i]);
            var frame = sse ? $"data: {json}\r\n\r\n" : (i == 0 ? "[" : ",\r\n") + json + (i == events.Count - 1 ? "]" : string.Empty);
            if (!await writer.WriteRawAsync(frame))
            {
                return;
            }
        }
    }

    /// <summary>Google rejects JSON Schema keywords in the OpenAPI-subset "parameters"; "parametersJsonSchema" takes them.</summary>
    private static void ValidateTools(JsonObject body)
    {
        foreach (var declaration in (body["tools"] as JsonArray ?? []).OfType<JsonObject>().SelectMany(t => t["functionDeclarations"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (declaration.GetString("name") is not { Length: > 0 })
            {
                throw new FormatException("* GenerateContentRequest.tools[0].function_declarations[0].name: Name cannot be empty.");
            }

            if (declaration["parameters"] is JsonObject parameters && parameters.ContainsKey("additionalProperties"))
            {
                throw new FormatException("Invalid JSON payload received. Unknown name \"additionalProperties\" at 'tools[0].function_declarations[0].parameters': Cannot find field.");
            }
        }
    }

    private static JsonArray Parts(ReplyPlan plan, string text) => plan.ToolCall is ToolCallPlan call
        ? new JsonArray { new JsonObject { ["functionCall"] = new JsonObject { ["name"] = call.Name, ["args"] = JsonNode.Parse(call.ArgumentsJson) } } }
        : new JsonArray { new JsonObject { ["text"] = text } };

    private static string FinishReason(ReplyPlan plan) => plan.Finish == FinishKind.Length ? "MAX_TOKENS" : "STOP";

    private static JsonObject Usage(ReplyPlan plan, int completion) => new()
    {
        ["promptTokenCount"] = plan.PromptTokens,
        ["candidatesTokenCount"] = completion,
        ["totalTokenCount"] = plan.PromptTokens + completion,
        ["promptTokensDetails"] = new JsonArray { new JsonObject { ["modality"] = "TEXT", ["tokenCount"] = plan.PromptTokens } },
    };

    private static JsonObject Response(string model, string responseId, JsonArray parts, string? finishReason, JsonObject usage)
    {
        var candidate = new JsonObject { ["content"] = new JsonObject { ["parts"] = parts, ["role"] = "model" } };
        if (finishReason is not null)
        {
            candidate["finishReason"] = finishReason;
        }

        candidate["index"] = 0;
        return new JsonObject
        {
            ["candidates"] = new JsonArray { candidate },
            ["usageMetadata"] = usage,
            ["modelVersion"] = model,
            ["responseId"] = responseId,
        };
    }

    private static async Task BatchEmbedAsync(HttpContext ctx, JsonObject body)
    {
        if (body["requests"] is not JsonArray { Count: > 0 } requests)
        {
            await WriteErrorAsync(ctx, 400, "* BatchEmbedContentsRequest.requests: requests is not specified");
            return;
        }

        var embeddings = new JsonArray();
        foreach (var request in requests.OfType<JsonObject>())
        {
            embeddings.Add(Embedding(EmbedText(request)));
        }

        await JsonOut.WriteAsync(ctx, 200, new JsonObject { ["embeddings"] = embeddings });
    }

    private static async Task PredictAsync(HttpContext ctx, JsonObject body)
    {
        if (body["instances"] is not JsonArray { Count: > 0 } instances)
        {
            await WriteErrorAsync(ctx, 400, "Invalid instances: instances must be a non-empty list.");
            return;
        }

        var predictions = new JsonArray();
        var characters = 0;
        foreach (var instance in instances.OfType<JsonObject>())
        {
            var text = instance.GetString("content") ?? string.Empty;
            characters += text.Length;
            var embedding = Embedding(text);
            embedding["statistics"] = new JsonObject { ["truncated"] = false, ["token_count"] = Words.Count(text) };
            predictions.Add(new JsonObject { ["embeddings"] = embedding });
        }

        await JsonOut.WriteAsync(ctx, 200, new JsonObject { ["predictions"] = predictions, ["metadata"] = new JsonObject { ["billableCharacterCount"] = characters } });
    }

    private static string EmbedText(JsonObject request) =>
        string.Join(" ", (request["content"]?["parts"] as JsonArray ?? []).OfType<JsonObject>().Select(p => p.GetString("text") ?? string.Empty));

    private static JsonObject Embedding(string text) =>
        new() { ["values"] = new JsonArray(Embedder.Embed(text).Select(v => (JsonNode)JsonValue.Create(v)).ToArray()) };

    private static async Task GeminiModelsAsync(HttpContext ctx)
    {
        if (!ctx.Request.Headers["x-goog-api-key"].ToString().StartsWith(ValidKeyPrefix, StringComparison.Ordinal))
        {
            await WriteErrorAsync(ctx, 400, "API key not valid. Please pass a valid API key.");
            return;
        }

        JsonObject Model(string name, params string[] methods) => new()
        {
            ["name"] = "models/" + name,
            ["displayName"] = name,
            ["supportedGenerationMethods"] = new JsonArray(methods.Select(m => (JsonNode)m).ToArray()),
        };
        await JsonOut.WriteAsync(ctx, 200, new JsonObject
        {
            ["models"] = new JsonArray
            {
                Model("gemini-2.5-flash", "generateContent", "countTokens"),
                Model("gemini-2.5-pro", "generateContent", "countTokens"),
                Model("gemini-embedding-001", "embedContent"),
                Model("imagen-4.0-generate-001", "predict"),
            },
        });
    }

    /// <summary>
    /// Google's OAuth token endpoint for the JWT bearer grant: the assertion must be RS256-signed by the emulator's
    /// service account key, addressed (aud) to this endpoint, unexpired, and ask for the cloud-platform scope.
    /// </summary>
    private static async Task TokenAsync(HttpContext ctx)
    {
        var state = ctx.EmuState();
        state.CountGoogleTokenRequest();
        var form = ParseForm(ctx.Emu().Body);
        if (form.GetValueOrDefault("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer")
        {
            await JsonOut.WriteAsync(ctx, 400, ErrorBodies.OAuth("unsupported_grant_type", "Invalid grant_type: " + form.GetValueOrDefault("grant_type")));
            return;
        }

        var problem = VerifyAssertion(form.GetValueOrDefault("assertion") ?? string.Empty, state.GooglePublicKey,
            $"{ctx.Request.Scheme}://{ctx.Request.Host}{ctx.Request.Path}");
        if (problem is not null)
        {
            await JsonOut.WriteAsync(ctx, 400, ErrorBodies.OAuth("invalid_grant", problem));
            return;
        }

        await JsonOut.WriteAsync(ctx, 200, new JsonObject
        {
            ["access_token"] = state.IssueGoogleToken(),
            ["expires_in"] = 3599,
            ["token_type"] = "Bearer",
        });
    }

    private static string? VerifyAssertion(string jwt, RSA key, string audience)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
        }

        try
        {
            using var header = JsonDocument.Parse(FromBase64Url(parts[0]));
            if (header.RootElement.GetProperty("alg").GetString() != "RS256")
            {
                return "Invalid JWT Signature.";
            }

            if (!key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return "Invalid JWT Signature.";
            }

            using var claims = JsonDocument.Parse(FromBase64Url(parts[1]));
            var root = claims.RootElement;
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var exp = root.GetProperty("exp").GetInt64();
            var iat = root.GetProperty("iat").GetInt64();
            if (exp <= now || exp - iat > 3600 || iat > now + 300)
            {
                return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.";
            }

            if (root.GetProperty("aud").GetString() != audience)
            {
                return "Invalid JWT: Failed audience check.";
            }

            if (root.GetProperty("iss").GetString() != EmulatorState.GoogleServiceAccountEmail)
            {
                return "Invalid JWT Signature.";
            }

            if (root.TryGetProperty("scope", out var scope) && scope.GetString()?.Split(' ').Contains("https://www.googleapis.com/auth/cloud-platform") == true)
            {
                return null;
            }

            return "Invalid OAuth scope or ID token audience provided.";
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return "Invalid JWT: malformed.";
        }
    }

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4));
    }

    private static Dictionary<string, string> ParseForm(string body) =>
        body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : string.Empty);

    private static Task WriteErrorAsync(HttpContext ctx, int status, string message) =>
        JsonOut.WriteAsync(ctx, status, ErrorBodies.Google(status, message));
}
