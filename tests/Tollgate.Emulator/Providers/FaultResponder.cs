using System.Globalization;
using System.Text.Json.Nodes;
using Tollgate.Emulator.Pipeline;

namespace Tollgate.Emulator.Providers;

/// <summary>Answers a status fault with the body the real provider sends for that status.</summary>
internal static class FaultResponder
{
    public static Task WriteAsync(HttpContext ctx, string provider, FaultRule rule)
    {
        var status = rule.Status;
        if (rule.RetryAfterSeconds is int retryAfter)
        {
            ctx.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        JsonObject body = provider switch
        {
            ProviderNames.Anthropic => ErrorBodies.Anthropic(rule.ErrorCode ?? ErrorBodies.AnthropicTypeFor(status), rule.Message ?? AnthropicMessage(status)),
            ProviderNames.Databricks when ctx.Request.Path.Value?.Contains("/oidc/", StringComparison.Ordinal) == true =>
                ErrorBodies.OAuth(rule.ErrorCode ?? (status >= 500 ? "server_error" : "invalid_client"), rule.Message ?? "Injected token endpoint failure."),
            ProviderNames.Databricks => ErrorBodies.Databricks(
                ErrorBodies.DatabricksCode(rule.ErrorCode ?? ErrorBodies.DatabricksCodeFor(status)), rule.Message ?? DatabricksMessage(status)),
            ProviderNames.Azure when status is 401 or 403 or 404 or 429 =>
                ErrorBodies.Azure(rule.ErrorCode ?? status.ToString(CultureInfo.InvariantCulture), rule.Message ?? AzureMessage(status)),
            ProviderNames.ContentSafety => ErrorBodies.Azure(rule.ErrorCode ?? (status >= 500 ? "InternalServerError" : "InvalidRequestBody"),
                rule.Message ?? $"Injected fault with status {status}."),
            ProviderNames.Compat => ErrorBodies.Compat(status, rule.Message ?? OpenAIMessage(status)),
            ProviderNames.Vertex when ctx.Request.Path.Value?.EndsWith("/token", StringComparison.Ordinal) == true =>
                ErrorBodies.OAuth(rule.ErrorCode ?? (status >= 500 ? "internal_failure" : "invalid_grant"), rule.Message ?? "Injected token endpoint failure."),
            ProviderNames.Gemini or ProviderNames.Vertex => ErrorBodies.Google(status, rule.Message ?? GoogleMessage(status), rule.ErrorCode),
            ProviderNames.Cohere => ErrorBodies.Cohere(rule.Message ?? CohereMessage(status)),
            ProviderNames.Bedrock => AwsBody(ctx, status, rule),
            _ => OpenAIBody(status, rule),
        };
        return JsonOut.WriteAsync(ctx, status, body);
    }

    private static JsonObject AwsBody(HttpContext ctx, int status, FaultRule rule)
    {
        var type = rule.ErrorCode ?? ErrorBodies.AwsTypeFor(status);
        ctx.Response.Headers["x-amzn-ErrorType"] = type + ":http://internal.amazon.com/coral/com.amazon.bedrock/";
        return ErrorBodies.Aws(rule.Message ?? (status == 429 ? "Too many requests, please wait before trying again." : $"Injected fault with status {status}."));
    }

    private static string GoogleMessage(int status) => status switch
    {
        429 => "Resource has been exhausted (e.g. check quota).",
        503 => "The model is overloaded. Please try again later.",
        500 => "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
        _ => $"Injected fault with status {status}.",
    };

    private static string CohereMessage(int status) => status switch
    {
        401 => "invalid api token",
        429 => "You are using a Trial key, which is limited to 10 API calls / minute.",
        _ => $"Injected fault with status {status}.",
    };

    private static JsonObject OpenAIBody(int status, FaultRule rule)
    {
        var (type, code) = status switch
        {
            401 => ("invalid_request_error", "invalid_api_key"),
            403 => ("request_forbidden", "unsupported_country_region_territory"),
            404 => ("invalid_request_error", "model_not_found"),
            429 => ("requests", "rate_limit_exceeded"),
            >= 500 => ("server_error", (string?)null),
            _ => ("invalid_request_error", null),
        };
        return ErrorBodies.OpenAI(rule.Message ?? OpenAIMessage(status), type, null, rule.ErrorCode ?? code);
    }

    private static string OpenAIMessage(int status) => status switch
    {
        400 => "Invalid request (injected fault).",
        401 => "Incorrect API key provided.",
        403 => "Country, region, or territory not supported",
        404 => "The model does not exist or you do not have access to it.",
        429 => "Rate limit reached for requests. Please try again later.",
        503 => "The server is overloaded or not ready yet.",
        _ when status >= 500 => "The server had an error while processing your request. Sorry about that!",
        _ => $"Injected fault with status {status}.",
    };

    private static string AzureMessage(int status) => status switch
    {
        401 => "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
        404 => "Resource not found",
        429 => "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second.",
        _ => $"Injected fault with status {status}.",
    };

    private static string AnthropicMessage(int status) => status switch
    {
        401 => "invalid x-api-key",
        429 => "Number of request tokens has exceeded your per-minute rate limit",
        529 => "Overloaded",
        500 => "Internal server error",
        _ => $"Injected fault with status {status}.",
    };

    private static string DatabricksMessage(int status) => status switch
    {
        401 => "Credential was not sent or was of an unsupported type for this API.",
        429 => "Exceeded the rate limit for this endpoint. Please retry later.",
        503 => "The service is currently unavailable.",
        _ when status >= 500 => "Internal error.",
        _ => $"Injected fault with status {status}.",
    };
}
