namespace Tollgate.Providers;

/// <summary>A credential could not be obtained (e.g. the OAuth token endpoint refused the service principal).</summary>
internal sealed class CredentialException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
