using Tollgate.Api.Auth;

namespace Tollgate.Tests.Api.Auth;

public sealed class PasswordHasherTests
{
    private readonly PasswordHasher _hasher = new(1_000);

    [Fact]
    public void Default_UsesAtLeast210000Iterations_AndStoresTheCountWithTheHash()
    {
        var hasher = new PasswordHasher();

        var hash = hasher.Hash("correct horse");

        Assert.True(PasswordHasher.DefaultIterations >= 210_000);
        Assert.StartsWith($"pbkdf2-sha256${PasswordHasher.DefaultIterations}$", hash, StringComparison.Ordinal);
        Assert.True(hasher.Verify("correct horse", hash));
    }

    [Fact]
    public void Verify_AcceptsOnlyTheSamePassword()
    {
        var hash = _hasher.Hash("correct horse");

        Assert.True(_hasher.Verify("correct horse", hash));
        Assert.False(_hasher.Verify("correct horsf", hash));
        Assert.False(_hasher.Verify("Correct horse", hash));
        Assert.False(_hasher.Verify(string.Empty, hash));
    }

    [Fact]
    public void Hash_UsesARandomSaltEachTime_AndNeverContainsThePassword()
    {
        var first = _hasher.Hash("same password");
        var second = _hasher.Hash("same password");

        Assert.NotEqual(first, second);
        Assert.DoesNotContain("same password", first, StringComparison.Ordinal);
    }

    [Fact]
    public void HashesFromAnOlderWorkFactor_StillVerify_AndAskForARehash()
    {
        var old = new PasswordHasher(500).Hash("pw-12345678");

        Assert.True(_hasher.Verify("pw-12345678", old));
        Assert.True(_hasher.NeedsRehash(old));
        Assert.False(_hasher.NeedsRehash(_hasher.Hash("pw-12345678")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain-text-password")]
    [InlineData("pbkdf2-sha256$abc$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$not base64$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$c2FsdA==$dG9vIHNob3J0")]
    [InlineData("pbkdf2-sha256$999999999$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("bcrypt$1000$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Verify_RejectsMalformedHashes_WithoutThrowing(string stored)
    {
        Assert.False(_hasher.Verify("anything", stored));
        Assert.True(_hasher.NeedsRehash(stored));
    }

    [Fact]
    public void DummyHash_IsAValidHashThatNoPasswordMatches()
    {
        Assert.StartsWith("pbkdf2-sha256$1000$", _hasher.DummyHash, StringComparison.Ordinal);
        Assert.False(_hasher.Verify(string.Empty, _hasher.DummyHash));
        Assert.False(_hasher.Verify("password", _hasher.DummyHash));
    }
}
