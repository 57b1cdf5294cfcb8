namespace Tollgate.Providers;

/// <summary>The secret one provider key presents upstream: a static key, or a token that can be refreshed.</summary>
internal interface ICredential
{
    ValueTask<string?> GetAsync(CancellationToken cancellationToken);

    /// <summary>Whether a 401 should be answered by <see cref="Invalidate"/> and one more try (OAuth tokens).</summary>
    bool CanRefresh { get; }

    /// <summary>Drops <paramref name="rejected"/> if it is still the cached value, so the next call fetches a new one.</summary>
    void Invalidate(string rejected);
}
