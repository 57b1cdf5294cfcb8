namespace Tollgate.Inference;

/// <summary>
/// An error the gateway answers with, in OpenAI's shape <c>{"error":{"message","type","param","code"}}</c>.
/// Expected failures travel as values of this type, not as exceptions.
/// </summary>
internal sealed record GatewayError(int Status, string Message, string Type, string? Code = null, string? Param = null)
{
    /// <summary>Seconds for a <c>Retry-After</c> header (429 and 503).</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Whether another attempt (same or other key) could succeed.</summary>
    public bool Retryable { get; init; }

    public static GatewayError BadRequest(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, ErrorTypes.InvalidRequest, code, param);

    public static GatewayError ModelNotFound(string message) =>
        new(StatusCodes.Status404NotFound, message, ErrorTypes.InvalidRequest, "model_not_found", "model");

    public static GatewayError UpstreamUnreachable(string provider, string detail) =>
        new(StatusCodes.Status502BadGateway, $"Upstream provider '{provider}' is unreachable: {detail}", ErrorTypes.Upstream, "upstream_unreachable")
        {
            Retryable = true,
        };

    public static GatewayError UpstreamTimeout(string provider, TimeSpan timeout) =>
        new(StatusCodes.Status504GatewayTimeout, $"Upstream provider '{provider}' did not answer within {timeout.TotalSeconds:0.###} s.", ErrorTypes.Upstream, "upstream_timeout")
        {
            Retryable = true,
        };

    public static GatewayError TypeForStatus(int status, string message, string? code) =>
        new(status, message, ErrorTypes.ForStatus(status), code);
}

internal static class ErrorTypes
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string RateLimit = "rate_limit_error";
    public const string Upstream = "upstream_error";
    public const string Server = "server_error";

    public static string ForStatus(int status) => status switch
    {
        401 => Authentication,
        403 => Permission,
        404 => NotFound,
        429 => RateLimit,
        >= 500 => Server,
        _ => InvalidRequest,
    };
}
