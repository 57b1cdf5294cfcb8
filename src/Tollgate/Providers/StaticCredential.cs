namespace Tollgate.Providers;

internal sealed class StaticCredential(string? value) : ICredential
{
    public static readonly StaticCredential None = new(null);

    public bool CanRefresh => false;

    public ValueTask<string?> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(value);

    public void Invalidate(string rejected)
    {
    }
}
