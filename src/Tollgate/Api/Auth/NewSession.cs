using Tollgate.Storage;

namespace Tollgate.Api.Auth;

/// <summary>A session just created: the cookie's token (only ever sent to the client) and what was stored.</summary>
internal sealed record NewSession(string Token, StoredSession Session);
