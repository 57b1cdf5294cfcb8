namespace Tollgate.Secrets;

/// <summary>Reads secrets from one store over its documented REST API, authenticating as its config says.</summary>
internal interface ISecretStoreClient : IDisposable
{
    /// <param name="path">The part of a reference between the store name and <c>#</c>.</param>
    Task<SecretFetch> FetchAsync(string path, CancellationToken cancellationToken);
}
