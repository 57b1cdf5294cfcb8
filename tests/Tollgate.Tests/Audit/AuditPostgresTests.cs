using Npgsql;
using Tollgate.Tests.Functional;
using Tollgate.Tests.Storage;

namespace Tollgate.Tests.Audit;

/// <summary>The audit chain on PostgreSQL: rows removed or edited behind the gateway's back are named by verify.</summary>
public sealed class AuditPostgresTests(PostgresDatabase postgres) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task EditedAndRemovedRows_InPostgres_AreNamedByVerify()
    {
        var schema = await postgres.CreateSchemaAsync();
        await using var gateway = await GatewayHost.StartAsync(null, postgres: schema);
        await AuditTests.MakeEntriesAsync(gateway);
        Assert.True((await AuditTests.VerifyAsync(gateway)).GetProperty("ok").GetBoolean());

        await using var connection = new NpgsqlConnection(schema);
        await connection.OpenAsync();
        await using (var delete = new NpgsqlCommand("DELETE FROM audit_log WHERE id = 3", connection))
        {
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        var removed = await AuditTests.VerifyAsync(gateway);
        Assert.Equal(4, removed.GetProperty("first_bad_id").GetInt64());

        // An edit before the gap is found first: the walk stops at the earliest break.
        await using (var update = new NpgsqlCommand("UPDATE audit_log SET after_json = '{\"name\":\"forged\"}' WHERE id = 2", connection))
        {
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var edited = await AuditTests.VerifyAsync(gateway);
        Assert.False(edited.GetProperty("ok").GetBoolean());
        Assert.Equal(2, edited.GetProperty("first_bad_id").GetInt64());
    }
}
