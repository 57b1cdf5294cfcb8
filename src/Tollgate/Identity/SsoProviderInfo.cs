namespace Tollgate.Identity;

/// <summary>One "Sign in with …" button: its label and where it goes; <see cref="LogoutUrl"/> also ends the IdP's session.</summary>
internal sealed record SsoProviderInfo(string Name, string LoginUrl, string LogoutUrl);
