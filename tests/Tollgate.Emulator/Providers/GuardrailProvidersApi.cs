using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Tollgate.Emulator.Pipeline;

namespace Tollgate.Emulator.Providers;

/// <summary>
/// Content-moderation services in their documented wire formats, deterministic by marker words so tests can aim:
/// "violence" scores Violence 4 (6 with "kill"), "hate" Hate 2; "ignore previous instructions" is a prompt attack;
/// "__bad_json__" answers 200 with a body that is not JSON.
/// <list type="bullet">
/// <item>Azure AI Content Safety under <c>/contentsafety</c>: <c>text:analyze</c>, <c>text:shieldPrompt</c>
/// (<c>Ocp-Apim-Subscription-Key</c> starting <c>cs-test</c>, <c>api-version=2024-09-01</c>).</item>
/// <item>OpenAI <c>/openai/v1/moderations</c> (keys starting <c>sk-test</c>).</item>
/// <item>A guardrail webhook at <c>/guardhook</c> verifying <c>x-tollgate-signature</c> against the secret <c>hook-secret</c>.</item>
/// </list>
/// </summary>
internal static class GuardrailProvidersApi
{
    public const string ContentSafetyKeyPrefix = "cs-test";
    public const string WebhookSecret = "hook-secret";

    public static void MapGuardrailProviders(this IEndpointRouteBuilder app)
    {
        app.MapPost("/contentsafety/contentsafety/text:analyze", AnalyzeAsync);
        app.MapPost("/contentsafety/contentsafety/text:shieldPrompt", ShieldAsync);
        app.MapPost("/openai/v1/moderations", ModerationsAsync);
        app.MapPost("/guardhook", WebhookAsync);
    }

    private static (int Violence, int Hate) Score(string text)
    {
        var lower = text.ToLowerInvariant();
        return (lower.Contains("kill", StringComparison.Ordinal) ? 6 : lower.Contains("violence", StringComparison.Ordinal) ? 4 : 0,
            lower.Contains("hate", StringComparison.Ordinal) ? 2 : 0);
    }

    private static async Task<bool> RejectAzureAsync(HttpContext ctx, EmulatorRequest emu)
    {
        if (!(ctx.Request.Headers["Ocp-Apim-Subscription-Key"].ToString() is { } key && key.StartsWith(ContentSafetyKeyPrefix, StringComparison.Ordinal)))
        {
            await JsonOut.WriteAsync(ctx, 401, ErrorBodies.Azure("401",
                "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."));
            return true;
        }

        if (ctx.Request.Query["api-version"] != "2024-09-01")
        {
            await JsonOut.WriteAsync(ctx, 404, ErrorBodies.Azure("404", "Resource not found"));
            return true;
        }

        if (emu.Json is null)
        {
            await JsonOut.WriteAsync(ctx, 400, ErrorBodies.Azure("InvalidRequestBody", "The request body is invalid."));
            return true;
        }

        return false;
    }

    private static async Task<bool> BadJsonAsync(HttpContext ctx, string text)
    {
        if (!text.Contains("__bad_json__", StringComparison.Ordinal))
        {
            return false;
        }

        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync("{\"categoriesAnalysis\": [", ctx.RequestAborted);
        return true;
    }

    private static async Task AnalyzeAsync(HttpContext ctx)
    {
        var emu = ctx.Features.GetRequiredFeature<EmulatorRequest>();
        if (await RejectAzureAsync(ctx, emu))
        {
            return;
        }

        var text = emu.Json!.GetString("text");
        if (text is null)
        {
            await JsonOut.WriteAsync(ctx, 400, ErrorBodies.Azure("InvalidRequestBody", "The field 'text' is required."));
            return;
        }

        if (await BadJsonAsync(ctx, text))
        {
            return;
        }

        var (violence, hate) = Score(text);
        var asked = emu.Json!["categories"] is JsonArray list ? list.Select(n => n.AsString()).ToHashSet() : ["Hate", "SelfHarm", "Sexual", "Violence"];
        var analysis = new JsonArray();
        foreach (var (category, severity) in new[] { ("Hate", hate), ("SelfHarm", 0), ("Sexual", 0), ("Violence", violence) })
        {
            if (asked.Contains(category))
            {
                analysis.Add(new JsonObject { ["category"] = category, ["severity"] = severity });
            }
        }

        await JsonOut.WriteAsync(ctx, 200, new JsonObject { ["blocklistsMatch"] = new JsonArray(), ["categoriesAnalysis"] = analysis });
    }

    private static bool Attack(string? text) => text?.Contains("ignore previous instructions", StringComparison.OrdinalIgnoreCase) == true;

    private static async Task ShieldAsync(HttpContext ctx)
    {
        var emu = ctx.Features.GetRequiredFeature<EmulatorRequest>();
        if (await RejectAzureAsync(ctx, emu))
        {
            return;
        }

        var answer = new JsonObject();
        if (emu.Json!.GetString("userPrompt") is { } prompt)
        {
            if (await BadJsonAsync(ctx, prompt))
            {
                return;
            }

            answer["userPromptAnalysis"] = new JsonObject { ["attackDetected"] = Attack(prompt) };
        }

        var documents = new JsonArray();
        if (emu.Json!["documents"] is JsonArray given)
        {
            foreach (var document in given)
            {
                documents.Add(new JsonObject { ["attackDetected"] = Attack(document.AsString()) });
            }
        }

        answer["documentsAnalysis"] = documents;
        await JsonOut.WriteAsync(ctx, 200, answer);
    }

    private static async Task ModerationsAsync(HttpContext ctx)
    {
        var emu = ctx.Features.GetRequiredFeature<EmulatorRequest>();
        if (!ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer " + OpenAIApi.ValidKeyPrefix, StringComparison.Ordinal))
        {
            await JsonOut.WriteAsync(ctx, 401, ErrorBodies.OpenAI("Incorrect API key provided.", "invalid_request_error", null, "invalid_api_key"));
            return;
        }

        var inputs = emu.Json?["input"] switch
        {
            JsonArray array => array.Select(n => n.AsString() ?? string.Empty).ToList(),
            JsonValue value when value.AsString() is { } s => [s],
            _ => null,
        };
        if (inputs is null)
        {
            await JsonOut.WriteAsync(ctx, 400, ErrorBodies.OpenAI("'input' is a required property", "invalid_request_error", "input", null));
            return;
        }

        if (inputs.Any(i => i.Contains("__bad_json__", StringComparison.Ordinal)))
        {
            await BadJsonAsync(ctx, "__bad_json__");
            return;
        }

        var results = new JsonArray();
        foreach (var input in inputs)
        {
            var (violence, hate) = Score(input);
            var categories = new JsonObject();
            var scores = new JsonObject();
            foreach (var name in new[] { "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent", "self-harm",
                "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence", "violence/graphic" })
            {
                var on = (name == "violence" && violence > 0) || (name == "hate" && hate > 0);
                categories[name] = on;
                scores[name] = on ? 0.91 : 0.0001;
            }

            results.Add(new JsonObject { ["flagged"] = violence > 0 || hate > 0, ["categories"] = categories, ["category_scores"] = scores });
        }

        await JsonOut.WriteAsync(ctx, 200, new JsonObject
        {
            ["id"] = JsonOut.NewId("modr-"),
            ["model"] = emu.Json!.GetString("model") ?? "omni-moderation-latest",
            ["results"] = results,
        });
    }

    private static async Task WebhookAsync(HttpContext ctx)
    {
        var emu = ctx.Features.GetRequiredFeature<EmulatorRequest>();
        var header = ctx.Request.Headers["x-tollgate-signature"].ToString();
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(v1), Encoding.ASCII.GetBytes(Sign(t, emu.Body))))
        {
            await JsonOut.WriteAsync(ctx, 401, new JsonObject { ["error"] = "bad signature" });
            return;
        }

        var text = emu.Json?.GetString("text") ?? string.Empty;
        if (await BadJsonAsync(ctx, text))
        {
            return;
        }

        var (violence, hate) = Score(text);
        var categories = new JsonArray();
        if (violence > 0)
        {
            categories.Add("violence");
        }

        if (hate > 0)
        {
            categories.Add("hate");
        }

        await JsonOut.WriteAsync(ctx, 200, new JsonObject { ["action"] = categories.Count > 0 ? "block" : "pass", ["categories"] = categories });
    }

    private static string Sign(string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), Encoding.UTF8.GetBytes(timestamp + "." + body)));
}
