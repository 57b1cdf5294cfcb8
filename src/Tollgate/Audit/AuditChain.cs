using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tollgate.Audit;

/// <summary>
/// The tamper evidence: <c>hash[n] = HMAC-SHA256(key, hash[n-1] ‖ canonical(entry[n]))</c>. The key is derived from
/// <c>TOLLGATE_ENCRYPTION_KEY</c>, which the database does not hold, so whoever can write rows cannot forge hashes;
/// the id is part of what is hashed, so rows cannot be reordered or renumbered either.
/// </summary>
internal sealed class AuditChain(byte[] key)
{
    public string HashOf(AuditEntry entry)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            // An array in a fixed order: independent of property naming and of how a store returns its columns.
            writer.WriteStartArray();
            writer.WriteStringValue(entry.PreviousHash);
            writer.WriteNumberValue(entry.Id);
            writer.WriteNumberValue(entry.Time.ToUnixTimeMilliseconds());
            writer.WriteStringValue(entry.ActorKind);
            writer.WriteStringValue(entry.Actor);
            writer.WriteStringValue(entry.Source);
            writer.WriteStringValue(entry.Action);
            writer.WriteStringValue(entry.Target);
            writer.WriteNumberValue(entry.Status);
            writer.WriteStringValue(entry.Before);
            writer.WriteStringValue(entry.After);
            writer.WriteEndArray();
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, stream.ToArray()));
    }

    /// <summary>Fills id, previous hash and hash for the entry that follows <paramref name="previous"/> (null for the first).</summary>
    public AuditEntry Seal(AuditEntry entry, (long Id, string Hash)? previous)
    {
        var sealedEntry = entry with { Id = (previous?.Id ?? 0) + 1, PreviousHash = previous?.Hash ?? string.Empty };
        return sealedEntry with { Hash = HashOf(sealedEntry) };
    }

    /// <summary>Why <paramref name="entry"/> does not follow <paramref name="previous"/>, or null when it does.</summary>
    public string? Check(AuditEntry entry, AuditEntry? previous)
    {
        if (previous is not null && !string.Equals(entry.PreviousHash, previous.Hash, StringComparison.Ordinal))
        {
            return string.Create(CultureInfo.InvariantCulture, $"does not link to entry {previous.Id}: an entry between them was removed, or one of them altered");
        }

        if (previous is not null && entry.Id != previous.Id + 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"follows entry {previous.Id}: entries between them were removed");
        }

        return string.Equals(HashOf(entry), entry.Hash, StringComparison.Ordinal) ? null : "its content does not match its hash: the entry was altered";
    }
}
