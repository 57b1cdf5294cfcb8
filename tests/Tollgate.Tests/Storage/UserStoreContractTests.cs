using System.Security.Cryptography;
using Tollgate.Storage;

namespace Tollgate.Tests.Storage;

/// <summary>
/// Admin users and sessions, alike on every backend (SQLite and PostgreSQL subclasses). Reads go through a second store
/// instance, as another gateway of a cluster would.
/// </summary>
public abstract class UserStoreContractTests : IAsyncLifetime
{
    private protected static readonly SecretProtector Protector = new(RandomNumberGenerator.GetBytes(32));

    // Millisecond precision: what the stores keep.
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 9, 30, 0, 123, TimeSpan.Zero);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Opens the config store on this test's storage, creating its tables when missing; a new instance each call.</summary>
    private protected abstract IGatewayStore OpenStore();

    private static StoredUser User(string name, string role = "viewer") => new(name, role, $"pbkdf2-sha256$1$c2FsdA==${name}", T0, T0.AddSeconds(1));

    [Fact]
    public void Users_RoundTrip_InOrdinalOrder_AndAddNeverOverwrites()
    {
        var store = OpenStore();
        foreach (var name in new[] { "bob", "Alice", "alice", "a.b@c-d_e" })
        {
            Assert.True(store.AddUser(User(name)));
        }

        Assert.False(store.AddUser(User("bob", "admin") with { PasswordHash = "other" }));
        var other = OpenStore();

        Assert.Equal(["Alice", "a.b@c-d_e", "alice", "bob"], other.ListUsers().Select(u => u.Username));
        Assert.Equal(User("bob"), other.GetUser("bob"));
        Assert.Null(other.GetUser("BOB"));
        Assert.Null(other.GetUser("nobody"));
    }

    [Fact]
    public void UpdateUser_ChangesOnlyWhatIsGiven()
    {
        var store = OpenStore();
        store.AddUser(User("admin", "admin"));
        store.AddUser(User("carol"));

        Assert.Equal(UserWriteResult.Done, store.UpdateUser("carol", "editor", null, T0.AddMinutes(1)));
        Assert.Equal(User("carol") with { Role = "editor", UpdatedAt = T0.AddMinutes(1) }, OpenStore().GetUser("carol"));
        Assert.Equal(UserWriteResult.Done, store.UpdateUser("carol", null, "new-hash", T0.AddMinutes(2)));
        Assert.Equal(User("carol") with { Role = "editor", PasswordHash = "new-hash", UpdatedAt = T0.AddMinutes(2) }, OpenStore().GetUser("carol"));
        Assert.Equal(UserWriteResult.NotFound, store.UpdateUser("nobody", "admin", null, T0));
        Assert.Equal(UserWriteResult.NotFound, store.DeleteUser("nobody"));
    }

    [Fact]
    public void TheLastAdmin_CanBeNeitherDemotedNorDeleted()
    {
        var store = OpenStore();
        store.AddUser(User("root", "admin"));
        store.AddUser(User("viewer1"));

        Assert.Equal(UserWriteResult.LastAdmin, store.UpdateUser("root", "editor", null, T0));
        Assert.Equal(UserWriteResult.LastAdmin, store.DeleteUser("root"));
        // Keeping the role, or changing only the password, is fine.
        Assert.Equal(UserWriteResult.Done, store.UpdateUser("root", "admin", "h2", T0));
        Assert.Equal(UserWriteResult.Done, store.DeleteUser("viewer1"));

        store.AddUser(User("root2", "admin"));
        Assert.Equal(UserWriteResult.Done, store.UpdateUser("root", "viewer", null, T0));
        Assert.Equal(UserWriteResult.LastAdmin, store.DeleteUser("root2"));
        Assert.Equal("admin", OpenStore().GetUser("root2")!.Role);
    }

    [Fact]
    public async Task TwoInstancesRemovingTwoAdminsAtOnce_LeaveOneAdmin()
    {
        var setup = OpenStore();
        setup.AddUser(User("first", "admin"));
        var survivor = "first";
        // Racy by nature, so several rounds: each pits the survivor of the last against a new admin.
        for (var round = 0; round < 5; round++)
        {
            var challenger = $"admin{round}";
            setup.AddUser(User(challenger, "admin"));
            var one = OpenStore();
            var two = OpenStore();
            using var start = new ManualResetEventSlim();
            var deleting = Task.Run(() => { start.Wait(); return one.DeleteUser(survivor); });
            var demoting = Task.Run(() => { start.Wait(); return two.UpdateUser(challenger, "viewer", null, T0); });
            start.Set();

            var results = await Task.WhenAll(deleting, demoting);

            Assert.Single(results, r => r == UserWriteResult.LastAdmin);
            Assert.Single(results, r => r == UserWriteResult.Done);
            survivor = Assert.Single(OpenStore().ListUsers(), u => u.Role == "admin").Username;
        }
    }

    [Fact]
    public void Sessions_RoundTrip_Expire_Slide_AndEnd()
    {
        var store = OpenStore();
        store.AddUser(User("dana"));
        var session = new StoredSession(new string('a', 64), "dana", "csrf-1", T0, T0, T0.AddHours(12));
        store.AddSession(session);
        var other = OpenStore();

        Assert.Equal(session, other.GetSession(session.Id, T0.AddHours(1)));
        Assert.Null(other.GetSession(session.Id, T0.AddHours(12)));
        Assert.Null(other.GetSession("unknown", T0));

        other.TouchSession(session.Id, T0.AddHours(11), T0.AddHours(23));
        Assert.Equal(session with { LastSeenAt = T0.AddHours(11), ExpiresAt = T0.AddHours(23) }, store.GetSession(session.Id, T0.AddHours(22)));

        Assert.True(store.DeleteSession(session.Id));
        Assert.False(store.DeleteSession(session.Id));
        Assert.Null(other.GetSession(session.Id, T0));
    }

    [Fact]
    public void DeleteUserSessions_SparesTheExceptedOne_AndOtherUsers()
    {
        var store = OpenStore();
        StoredSession S(string id, string user) => new(id, user, "csrf", T0, T0, T0.AddHours(12));
        store.AddSession(S("s1", "dana"));
        store.AddSession(S("s2", "dana"));
        store.AddSession(S("s3", "dana"));
        store.AddSession(S("s4", "erin"));

        Assert.Equal(2, store.DeleteUserSessions("dana", exceptId: "s2"));
        Assert.NotNull(store.GetSession("s2", T0));
        Assert.NotNull(store.GetSession("s4", T0));
        Assert.Equal(1, store.DeleteUserSessions("dana", exceptId: null));
        Assert.Null(store.GetSession("s2", T0));
    }

    [Fact]
    public void DeleteUser_EndsTheirSessions()
    {
        var store = OpenStore();
        store.AddUser(User("admin", "admin"));
        store.AddUser(User("gone"));
        store.AddSession(new StoredSession("g1", "gone", "csrf", T0, T0, T0.AddHours(12)));
        store.AddSession(new StoredSession("k1", "admin", "csrf", T0, T0, T0.AddHours(12)));

        Assert.Equal(UserWriteResult.Done, store.DeleteUser("gone"));

        Assert.Null(OpenStore().GetSession("g1", T0));
        Assert.NotNull(OpenStore().GetSession("k1", T0));
    }

    [Fact]
    public void AddSession_SweepsExpiredSessions()
    {
        var store = OpenStore();
        store.AddSession(new StoredSession("old", "dana", "csrf", T0, T0, T0.AddHours(1)));

        store.AddSession(new StoredSession("new", "dana", "csrf", T0.AddHours(2), T0.AddHours(2), T0.AddHours(14)));

        // Asked as of a time when it had not yet expired: gone all the same, because the sweep deleted the row.
        Assert.Null(OpenStore().GetSession("old", T0));
        Assert.NotNull(OpenStore().GetSession("new", T0.AddHours(2)));
    }
}
