namespace Tollgate.Providers;

/// <summary>A credential that cannot be built (a malformed key file): every use fails with the same clear error.</summary>
internal sealed class FailingCredential(CredentialException error) : ICredential
{
    public bool CanRefresh => false;

    public ValueTask<string?> GetAsync(CancellationToken cancellationToken) => ValueTask.FromException<string?>(error);

    public void Invalidate(string rejected)
    {
    }
}
