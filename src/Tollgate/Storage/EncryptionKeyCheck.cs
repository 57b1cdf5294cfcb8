using System.Security.Cryptography;
using System.Text;
using Tollgate.Configuration;

namespace Tollgate.Storage;

/// <summary>
/// Stops a start whose encryption key is not the one the store's secrets were written with: another cluster instance
/// started with a different <c>TOLLGATE_ENCRYPTION_KEY</c>, or a data directory whose generated key was lost. Without
/// the check the gateway starts and fails later, on the first stored provider key it cannot decrypt. The store keeps a
/// fingerprint of the key (an HKDF-derived value, so it reveals nothing about the key) in its settings.
/// </summary>
internal static class EncryptionKeyCheck
{
    internal const string SettingKey = "encryption_key_fingerprint";

    public static void Verify(IGatewayStore store, SecretProtector protector)
    {
        var fingerprint = Convert.ToHexStringLower(protector.DeriveKey("key-fingerprint").AsSpan(0, 16));
        if (store.GetSetting(SettingKey) is null)
        {
            store.SetSetting(SettingKey, fingerprint);
        }

        // Read back: of two instances starting together with different keys, the one whose write lost stops here.
        var stored = store.GetSetting(SettingKey);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored ?? ""), Encoding.ASCII.GetBytes(fingerprint)))
        {
            throw new ConfigException("TOLLGATE_ENCRYPTION_KEY",
                "is not the key this store's secrets were encrypted with: set the same key on every instance that shares the database "
                + "(or restore the data directory's encryption.key).");
        }
    }
}
