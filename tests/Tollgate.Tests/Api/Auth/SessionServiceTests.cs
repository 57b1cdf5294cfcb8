using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Api.Auth;
using Tollgate.Storage;

namespace Tollgate.Tests.Api.Auth;

/// <summary>Session lifetimes on a real SQLite store, with time under the test's control.</summary>
public sealed class SessionServiceTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", "sessions-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly SqliteGatewayStore _store;
    private readonly SessionService _sessions;

    public SessionServiceTests()
    {
        _store = new SqliteGatewayStore(_directory, new SecretProtector(RandomNumberGenerator.GetBytes(32)));
        var now = _time.GetUtcNow();
        _store.AddUser(new StoredUser("dana", "editor", "pbkdf2-sha256$1$AA==$AA==", now, now));
        _sessions = new SessionService(_store, _time);
    }

    [Fact]
    public void NewSession_IsStoredOnlyAsAHash_AndValidatesToItsUser()
    {
        var created = _sessions.Create("dana");

        var caller = _sessions.Validate(created.Token);

        Assert.NotNull(caller);
        Assert.Equal("dana", caller.Username);
        Assert.Equal(AdminRole.Editor, caller.Role);
        Assert.Equal(created.Session.CsrfToken, caller.CsrfToken);
        Assert.NotEqual(created.Token, created.Session.Id);
        Assert.Null(_store.GetSession(created.Token, _time.GetUtcNow()));
        Assert.NotNull(_store.GetSession(SessionService.IdOf(created.Token), _time.GetUtcNow()));
        Assert.NotEqual(created.Token, created.Session.CsrfToken);
    }

    [Fact]
    public void IdleSession_EndsAfter12Hours()
    {
        var created = _sessions.Create("dana");

        _time.Advance(TimeSpan.FromHours(12) - TimeSpan.FromSeconds(1));
        // Looked up in the store directly: a Validate here would count as use and slide the deadline.
        Assert.NotNull(_store.GetSession(created.Session.Id, _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(_sessions.Validate(created.Token));
    }

    [Fact]
    public void UsedSession_Slides_ButEndsSevenDaysAfterSignIn()
    {
        var created = _sessions.Create("dana");

        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromDays(7) - TimeSpan.FromHours(6); elapsed += TimeSpan.FromHours(6))
        {
            _time.Advance(TimeSpan.FromHours(6));
            Assert.NotNull(_sessions.Validate(created.Token));
        }

        // 6 h before the absolute end, used just now: the idle deadline is capped by the absolute one.
        _time.Advance(TimeSpan.FromHours(6));
        Assert.Null(_sessions.Validate(created.Token));
    }

    [Fact]
    public void EndedSession_IsRejectedAtOnce_OnThisInstance()
    {
        var created = _sessions.Create("dana");
        Assert.NotNull(_sessions.Validate(created.Token));

        _sessions.End(created.Session.Id);

        Assert.Null(_sessions.Validate(created.Token));
    }

    [Fact]
    public void SessionMadeOnOneInstance_WorksOnAnother_AndEndsThereOnceTheCacheExpires()
    {
        var otherInstance = new SessionService(_store, _time);
        var created = _sessions.Create("dana");
        Assert.NotNull(otherInstance.Validate(created.Token));

        _sessions.EndAllOf("dana");
        _time.Advance(TimeSpan.FromSeconds(6));

        Assert.Null(otherInstance.Validate(created.Token));
    }

    [Fact]
    public void EndAllOf_KeepsTheExceptedSession()
    {
        var keep = _sessions.Create("dana");
        var drop = _sessions.Create("dana");
        Assert.NotNull(_sessions.Validate(drop.Token));

        _sessions.EndAllOf("dana", exceptId: keep.Session.Id);

        Assert.NotNull(_sessions.Validate(keep.Token));
        Assert.Null(_sessions.Validate(drop.Token));
    }

    [Fact]
    public void DeletedUser_SessionIsRejected()
    {
        var now = _time.GetUtcNow();
        _store.AddUser(new StoredUser("erin", "admin", "x", now, now));
        _store.AddUser(new StoredUser("frank", "admin", "x", now, now));
        var created = _sessions.Create("erin");

        Assert.Equal(UserWriteResult.Done, _store.DeleteUser("erin"));
        _sessions.Forget("erin");

        Assert.Null(_sessions.Validate(created.Token));
    }

    public void Dispose()
    {
        using (var connection = new SqliteConnection(_store.ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
