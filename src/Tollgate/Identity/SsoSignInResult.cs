using Tollgate.Api.Auth;

namespace Tollgate.Identity;

/// <summary>The end of an SSO sign-in: a session, or why not (what the audit entry and the login page say).</summary>
internal sealed record SsoSignInResult(string Subject, NewSession? Session, string? Role, string? Failure)
{
    public static SsoSignInResult Refused(string subject, string failure) => new(subject, null, null, failure);
}
