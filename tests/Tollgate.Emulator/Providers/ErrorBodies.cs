using System.Globalization;
using System.Text.Json.Nodes;

namespace Tollgate.Emulator.Providers;

/// <summary>The error envelopes each provider really sends, in one place so faults and validation agree.</summary>
internal static class ErrorBodies
{
    /// <summary>OpenAI (and Azure's pass-through errors): <c>{"error":{"message","type","param","code"}}</c>.</summary>
    public static JsonObject OpenAI(string message, string? type, string? param, string? code) => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = message,
            ["type"] = type,
            ["param"] = param,
            ["code"] = code,
        },
    };

    /// <summary>Azure's own gateway errors (auth, routing, throttling): <c>{"error":{"code":"401","message"}}</c>.</summary>
    public static JsonObject Azure(string code, string message) => new()
    {
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    };

    /// <summary>vLLM: the OpenAI envelope with an exception-style type and the numeric status as code.</summary>
    public static JsonObject Compat(int status, string message) => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = message,
            ["type"] = status switch
            {
                400 => "BadRequestError",
                401 => "AuthenticationError",
                404 => "NotFoundError",
                429 => "RateLimitError",
                503 => "ServiceUnavailableError",
                _ when status >= 500 => "InternalServerError",
                _ => "BadRequestError",
            },
            ["param"] = null,
            ["code"] = status,
        },
    };

    public static JsonObject Anthropic(string type, string message) => new()
    {
        ["type"] = "error",
        ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
    };

    public static string AnthropicTypeFor(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        _ when status >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    /// <summary>Databricks REST errors: <c>{"error_code","message"}</c>; <paramref name="errorCode"/> may be a string or a number.</summary>
    public static JsonObject Databricks(JsonNode? errorCode, string message) => new()
    {
        ["error_code"] = errorCode,
        ["message"] = message,
    };

    public static string DatabricksCodeFor(int status) => status switch
    {
        400 => "BAD_REQUEST",
        401 => "401",
        403 => "PERMISSION_DENIED",
        404 => "RESOURCE_DOES_NOT_EXIST",
        429 => "REQUEST_LIMIT_EXCEEDED",
        503 => "TEMPORARILY_UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ when status >= 500 => "INTERNAL_ERROR",
        _ => "BAD_REQUEST",
    };

    /// <summary>An error code given as text becomes a JSON number when it is one, because Databricks sometimes sends numbers.</summary>
    public static JsonNode DatabricksCode(string code) =>
        int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : JsonValue.Create(code);

    /// <summary>Google APIs (Gemini, Vertex AI): <c>{"error":{"code":400,"message","status":"INVALID_ARGUMENT"}}</c>.</summary>
    public static JsonObject Google(int status, string message, string? statusName = null) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = status,
            ["message"] = message,
            ["status"] = statusName ?? GoogleStatusFor(status),
        },
    };

    public static string GoogleStatusFor(int status) => status switch
    {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        501 => "NOT_IMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ when status >= 500 => "INTERNAL",
        _ => "FAILED_PRECONDITION",
    };

    /// <summary>Cohere: <c>{"id","message"}</c>.</summary>
    public static JsonObject Cohere(string message) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["message"] = message,
    };

    /// <summary>AWS JSON protocol errors (Bedrock runtime): <c>{"message"}</c>, the type in <c>x-amzn-ErrorType</c>.</summary>
    public static JsonObject Aws(string message) => new() { ["message"] = message };

    public static string AwsTypeFor(int status) => status switch
    {
        400 => "ValidationException",
        401 or 403 => "AccessDeniedException",
        404 => "ResourceNotFoundException",
        408 => "ModelTimeoutException",
        424 => "ModelErrorException",
        429 => "ThrottlingException",
        503 => "ServiceUnavailableException",
        _ when status >= 500 => "InternalServerException",
        _ => "ValidationException",
    };

    /// <summary>RFC 6749 token endpoint errors, as Databricks' <c>/oidc/v1/token</c> returns them.</summary>
    public static JsonObject OAuth(string error, string description) => new()
    {
        ["error"] = error,
        ["error_description"] = description,
    };
}
