using System.Collections.Concurrent;

namespace Tollgate.Emulator;

/// <summary>Counters and behaviour switches. Tests flip the switches between requests; every member is thread-safe.</summary>
public sealed class EmulatorState
{
    // Expired tokens are only swept once the table grows past this, so issuing stays O(1) in the benchmark.
    private const int TokenSweepThreshold = 1024;

    private readonly ConcurrentDictionary<string, long> _requestsByProvider = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _databricksTokens = new(StringComparer.Ordinal);
    private volatile int _databricksTokenLifetimeSeconds = 3600;
    private volatile bool _databricksStreamSendsDone;
    private volatile bool _databricksRejectStreamOptions = true;
    private volatile int _streamEventDelayMs;
    private volatile TimeProvider _timeProvider = TimeProvider.System;
    private int _tokenRequests;
    private long _totalRequests;
    private int _clientAborts;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, byte> _abortedSequences = new();

    private readonly Lazy<System.Security.Cryptography.RSA> _googleKey = new(() => System.Security.Cryptography.RSA.Create(2048));
    private readonly ConcurrentDictionary<string, DateTimeOffset> _googleTokens = new(StringComparer.Ordinal);
    private int _googleTokenRequests;

    /// <summary>Calls to the emulated Google token endpoint, successful or not.</summary>
    public int GoogleTokenRequests => Volatile.Read(ref _googleTokenRequests);

    /// <summary>
    /// A service account JSON key (made at run time, never a real one) whose JWT assertions the emulated token endpoint
    /// at <paramref name="tokenUri"/> verifies with the matching public key.
    /// </summary>
    public string GoogleServiceAccountJson(string tokenUri) => new System.Text.Json.Nodes.JsonObject
    {
        ["type"] = "service_account",
        ["project_id"] = "emu-project",
        ["private_key_id"] = "emu-key-1",
        ["private_key"] = _googleKey.Value.ExportPkcs8PrivateKeyPem(),
        ["client_email"] = GoogleServiceAccountEmail,
        ["client_id"] = "100000000000000000001",
        ["token_uri"] = tokenUri,
    }.ToJsonString();

    public const string GoogleServiceAccountEmail = "tollgate-emu@emu-project.iam.gserviceaccount.com";

    internal System.Security.Cryptography.RSA GooglePublicKey => _googleKey.Value;

    internal void CountGoogleTokenRequest() => Interlocked.Increment(ref _googleTokenRequests);

    internal string IssueGoogleToken()
    {
        var token = "ya29.emu-" + Guid.NewGuid().ToString("N");
        _googleTokens[token] = _timeProvider.GetUtcNow().AddSeconds(3599);
        return token;
    }

    internal bool IsGoogleTokenValid(string token) =>
        _googleTokens.TryGetValue(token, out var expiry) && expiry > _timeProvider.GetUtcNow();

    /// <summary>Makes every Google token issued so far invalid, so its next use gets 401.</summary>
    public void RevokeGoogleTokens() => _googleTokens.Clear();

    /// <summary>
    /// The secret key the emulated Bedrock expects for an access key id (derived, so any test can mint a key pair:
    /// access keys starting <c>AKIAEMU</c> are valid).
    /// </summary>
    public static string AwsSecretFor(string accessKeyId) => "emu/secret/" + accessKeyId;

    public const string AwsAccessKeyPrefix = "AKIAEMU";

    /// <summary><c>expires_in</c> of Databricks OAuth tokens issued from now on; 0 issues tokens that are already expired.</summary>
    public int DatabricksTokenLifetimeSeconds
    {
        get => _databricksTokenLifetimeSeconds;
        set => _databricksTokenLifetimeSeconds = value;
    }

    /// <summary>Real Databricks streams often end without <c>data: [DONE]</c>; set true to send it.</summary>
    public bool DatabricksStreamSendsDone
    {
        get => _databricksStreamSendsDone;
        set => _databricksStreamSendsDone = value;
    }

    /// <summary>When true (the default, as on real Databricks), a body with <c>stream_options</c> gets 400 BAD_REQUEST.</summary>
    public bool DatabricksRejectStreamOptions
    {
        get => _databricksRejectStreamOptions;
        set => _databricksRejectStreamOptions = value;
    }

    /// <summary>Pause between SSE events, for time-to-first-token and many-open-streams measurements; 0 by default.</summary>
    public int StreamEventDelayMs
    {
        get => _streamEventDelayMs;
        set => _streamEventDelayMs = value;
    }

    /// <summary>Clock for OAuth token expiry, so tests can use a fake one.</summary>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set => _timeProvider = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Calls to the Databricks <c>/oidc/v1/token</c> endpoint, successful or not.</summary>
    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    /// <summary>Requests whose client (the gateway) hung up before the emulator finished answering.</summary>
    public int ClientAborts => Volatile.Read(ref _clientAborts);

    /// <summary>Whether the request with this journal sequence number was abandoned by its client.</summary>
    public bool WasAborted(long sequence) => _abortedSequences.ContainsKey(sequence);

    internal void CountClientAbort(long sequence)
    {
        Interlocked.Increment(ref _clientAborts);
        _abortedSequences.TryAdd(sequence, 0);
    }

    /// <summary>Requests received per provider name (including ones answered by a fault).</summary>
    public IReadOnlyDictionary<string, long> RequestsByProvider => new Dictionary<string, long>(_requestsByProvider, StringComparer.OrdinalIgnoreCase);

    public long TotalRequests => Interlocked.Read(ref _totalRequests);

    /// <summary>Databricks OAuth tokens issued, not revoked and not yet expired.</summary>
    public int ActiveDatabricksTokens
    {
        get
        {
            var now = _timeProvider.GetUtcNow();
            return _databricksTokens.Count(t => t.Value > now);
        }
    }

    /// <summary>Requests for one provider so far (0 if none).</summary>
    public long RequestsFor(string provider) => _requestsByProvider.TryGetValue(provider, out var n) ? n : 0;

    /// <summary>Makes every OAuth token issued so far invalid, so its next use gets 401.</summary>
    public void RevokeDatabricksTokens() => _databricksTokens.Clear();

    /// <summary>Zeroes the counters; settings and issued tokens stay.</summary>
    public void ResetCounters()
    {
        _requestsByProvider.Clear();
        Interlocked.Exchange(ref _tokenRequests, 0);
        Interlocked.Exchange(ref _totalRequests, 0);
    }

    internal void CountRequest(string provider)
    {
        Interlocked.Increment(ref _totalRequests);
        _requestsByProvider.AddOrUpdate(provider, 1, static (_, n) => n + 1);
    }

    internal void CountTokenRequest() => Interlocked.Increment(ref _tokenRequests);

    internal (string Token, int LifetimeSeconds) IssueDatabricksToken()
    {
        var lifetime = DatabricksTokenLifetimeSeconds;
        var now = _timeProvider.GetUtcNow();
        if (_databricksTokens.Count > TokenSweepThreshold)
        {
            foreach (var (token, expiry) in _databricksTokens)
            {
                if (expiry <= now)
                {
                    _databricksTokens.TryRemove(token, out _);
                }
            }
        }

        var issued = "dbx-emu-oauth-" + Guid.NewGuid().ToString("N");
        _databricksTokens[issued] = now.AddSeconds(lifetime);
        return (issued, lifetime);
    }

    internal bool IsDatabricksTokenValid(string token) =>
        _databricksTokens.TryGetValue(token, out var expiry) && expiry > _timeProvider.GetUtcNow();
}
