using Tollgate.Configuration;
using Tollgate.Secrets;

namespace Tollgate.Tests.Identity;

public sealed class SsoConfigTests
{
    private static GatewayConfig Load(string sso) =>
        GatewayConfigLoading.Loader(new SecretResolver(name => name == "OIDC_SECRET" ? "from-env" : null)).Load($$"""{ "sso": {{sso}} }""");

    [Fact]
    public void Sso_FullSection_IsReadWithSecretReferenceResolved()
    {
        var config = Load("""
            { "local_sign_in": false, "oidc": { "issuer": "https://login.example.com/", "client_id": "tg", "client_secret": "env.OIDC_SECRET",
              "group_mapping": { "g1": "editor", "g2": "team:ml:viewer" }, "allowed_domains": ["@Example.com"], "jit_users": false, "default_role": "viewer" } }
            """).Sso;

        Assert.False(config.LocalSignIn);
        Assert.Equal("https://login.example.com", config.Oidc!.Issuer);
        Assert.Equal("from-env", config.Oidc.ClientSecret);
        Assert.Equal("editor", config.Oidc.GroupMapping["g1"]);
        Assert.Equal("team:ml:viewer", config.Oidc.GroupMapping["g2"]);
        Assert.Equal(["example.com"], config.Oidc.AllowedDomains);
        Assert.False(config.Oidc.JitUsers);
        Assert.Equal(["openid", "profile", "email"], config.Oidc.Scopes);
    }

    [Fact]
    public void Sso_Absent_KeepsLocalSignIn()
    {
        var config = GatewayConfigLoading.Loader(new SecretResolver(_ => null)).Load("{}").Sso;
        Assert.True(config.LocalSignIn);
        Assert.Null(config.Oidc);
    }

    [Theory]
    [InlineData("""{ "local_sign_in": false }""", "$.sso.local_sign_in")]
    [InlineData("""{ "oidc": { "issuer": "http://idp.example.com", "client_id": "x" } }""", "$.sso.oidc.issuer")]
    [InlineData("""{ "oidc": { "issuer": "https://idp.example.com", "client_id": "x", "group_mapping": { "g": "owner" } } }""", "$.sso.oidc.group_mapping.g")]
    [InlineData("""{ "oidc": { "issuer": "https://idp.example.com", "client_id": "x", "group_mapping": { "g": "team:ml:owner" } } }""", "$.sso.oidc.group_mapping.g")]
    [InlineData("""{ "oidc": { "issuer": "https://idp.example.com", "client_id": "x", "group_mapping": { "g": "team::admin" } } }""", "$.sso.oidc.group_mapping.g")]
    [InlineData("""{ "oidc": { "issuer": "https://idp.example.com", "client_id": "x", "scopes": ["email"] } }""", "$.sso.oidc.scopes")]
    [InlineData("""{ "oidc": { "issuer": "https://idp.example.com" } }""", "$.sso.oidc.client_id")]
    [InlineData("""{ "oidc": { "issuer": "https://idp.example.com", "client_id": "x", "colour": "red" } }""", "$.sso.oidc.colour")]
    public void Sso_BadField_FailsWithItsJsonPath(string sso, string path)
    {
        var ex = Assert.Throws<ConfigException>(() => Load(sso));
        Assert.StartsWith(path, ex.Message, StringComparison.Ordinal);
    }
}
