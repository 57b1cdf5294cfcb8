using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Tollgate.Guardrails.Detection;

/// <summary>
/// The built-in PII and secret detectors: source-generated regexes for candidates, then validators (Luhn for cards,
/// mod-97 for IBANs, range checks for SSNs and IPv4) so order numbers, dates, versions and UUIDs do not fire.
/// </summary>
internal static partial class PiiDetectors
{
    public const string Email = "EMAIL";
    public const string Phone = "PHONE";
    public const string CreditCard = "CREDIT_CARD";
    public const string UsSsn = "US_SSN";
    public const string Iban = "IBAN";
    public const string IpAddress = "IP_ADDRESS";
    public const string Secret = "SECRET";

    /// <summary>Every entity type, in the order they are checked (secrets first: a key may contain digit runs).</summary>
    public static readonly string[] All = [Secret, Email, CreditCard, Iban, UsSsn, IpAddress, Phone];

    public static readonly FrozenSet<string> Known = FrozenSet.Create(StringComparer.Ordinal, All);

    [GeneratedRegex(@"(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])", RegexOptions.CultureInvariant)]
    private static partial Regex EmailRegex();

    // International (+CC ...), or national with a separator structure like (555) 123-4567 / 555-123-4567 / 030 1234 5678.
    [GeneratedRegex(@"(?<![\w+.-])(?:\+[1-9]\d{0,2}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4}|0\d{2,4}[ /]\d{3,4}[ -]?\d{3,5})(?![\w.-]*\d)", RegexOptions.CultureInvariant)]
    private static partial Regex PhoneRegex();

    [GeneratedRegex(@"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])", RegexOptions.CultureInvariant)]
    private static partial Regex CardRegex();

    [GeneratedRegex(@"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])", RegexOptions.CultureInvariant)]
    private static partial Regex SsnRegex();

    [GeneratedRegex(@"(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![\w])", RegexOptions.CultureInvariant)]
    private static partial Regex IbanRegex();

    [GeneratedRegex(@"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4Regex();

    [GeneratedRegex(@"(?<![\w:.])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|(?:[0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,5}(?::[0-9A-Fa-f]{1,4}){1,2}|(?:[0-9A-Fa-f]{1,4}:){1,4}(?::[0-9A-Fa-f]{1,4}){1,3}|(?:[0-9A-Fa-f]{1,4}:){1,3}(?::[0-9A-Fa-f]{1,4}){1,4}|(?:[0-9A-Fa-f]{1,4}:){1,2}(?::[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(?::[0-9A-Fa-f]{1,4}){1,6}|::(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4})(?![\w:])", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv6Regex();

    [GeneratedRegex(@"(?<![\w])(?:(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}|sk-ant-[A-Za-z0-9_-]{20,}|sk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}|dapi[0-9a-f]{32}(?:-\d)?|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|xox[abposr]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20}|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})(?![\w-])|-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z]+ )*PRIVATE KEY-----", RegexOptions.CultureInvariant)]
    private static partial Regex SecretRegex();

    /// <summary>Appends the findings of <paramref name="entities"/> in <paramref name="text"/>; overlapping later findings are dropped.</summary>
    public static void Find(ReadOnlySpan<char> text, IReadOnlyCollection<string> entities, List<Finding> findings)
    {
        var start = findings.Count;
        foreach (var entity in All)
        {
            if (!Contains(entities, entity))
            {
                continue;
            }

            switch (entity)
            {
                case Secret: Add(SecretRegex(), text, Secret, findings, start, null); break;
                case Email: Add(EmailRegex(), text, Email, findings, start, null); break;
                case CreditCard: Add(CardRegex(), text, CreditCard, findings, start, IsCard); break;
                case Iban: Add(IbanRegex(), text, Iban, findings, start, IsIban); break;
                case UsSsn: Add(SsnRegex(), text, UsSsn, findings, start, IsSsn); break;
                case IpAddress:
                    Add(Ipv4Regex(), text, IpAddress, findings, start, IsIpv4);
                    Add(Ipv6Regex(), text, IpAddress, findings, start, IsIpv6);
                    break;
                case Phone: Add(PhoneRegex(), text, Phone, findings, start, IsPhone); break;
            }
        }
    }

    private static bool Contains(IReadOnlyCollection<string> entities, string entity)
    {
        foreach (var e in entities)
        {
            if (string.Equals(e, entity, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void Add(Regex regex, ReadOnlySpan<char> text, string entity, List<Finding> findings, int from, Func<ReadOnlySpan<char>, bool>? valid)
    {
        foreach (var match in regex.EnumerateMatches(text))
        {
            var value = text.Slice(match.Index, match.Length);
            if (valid is not null && !valid(value))
            {
                continue;
            }

            var overlaps = false;
            for (var i = from; i < findings.Count; i++)
            {
                var f = findings[i];
                if (match.Index < f.End && f.Start < match.Index + match.Length)
                {
                    overlaps = true;
                    break;
                }
            }

            if (!overlaps)
            {
                findings.Add(new Finding(match.Index, match.Length, entity));
            }
        }
    }

    /// <summary>13 to 19 digits passing Luhn, with an issuer prefix (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay).</summary>
    internal static bool IsCard(ReadOnlySpan<char> value)
    {
        Span<byte> digits = stackalloc byte[19];
        var count = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                if (count == 19)
                {
                    return false;
                }

                digits[count++] = (byte)(c - '0');
            }
        }

        if (count < 13)
        {
            return false;
        }

        digits = digits[..count];
        var first = digits[0];
        var two = (digits[0] * 10) + digits[1];
        var issuer = first == 4 || (two >= 51 && two <= 55) || (two >= 22 && two <= 27) || two == 34 || two == 37 || first == 6 || two == 35 || two == 36 || two == 30 || two == 38;
        if (!issuer || AllSame(digits))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < count; i++)
        {
            int d = digits[count - 1 - i];
            if ((i & 1) == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    private static bool AllSame(ReadOnlySpan<byte> digits)
    {
        foreach (var d in digits)
        {
            if (d != digits[0])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>ISO 13616: a known length for the country, then mod 97 of the rearranged number is 1.</summary>
    internal static bool IsIban(ReadOnlySpan<char> value)
    {
        Span<char> compact = stackalloc char[34];
        var n = 0;
        foreach (var c in value)
        {
            if (c == ' ')
            {
                continue;
            }

            if (n == 34)
            {
                return false;
            }

            compact[n++] = c;
        }

        if (n < 15)
        {
            return false;
        }

        compact = compact[..n];
        var remainder = 0;
        for (var i = 0; i < n; i++)
        {
            var c = compact[(i + 4) % n];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }

        return remainder == 1;
    }

    /// <summary>Area not 000, 666 or 9xx; group not 00; serial not 0000.</summary>
    internal static bool IsSsn(ReadOnlySpan<char> value)
    {
        var area = int.Parse(value[..3]);
        var group = int.Parse(value.Slice(4, 2));
        var serial = int.Parse(value.Slice(7, 4));
        return area is not 0 and not 666 and < 900 && group != 0 && serial != 0;
    }

    internal static bool IsIpv4(ReadOnlySpan<char> value)
    {
        var parts = 0;
        foreach (var range in value.Split('.'))
        {
            var part = value[range];
            if (part.Length > 1 && part[0] == '0')
            {
                return false;
            }

            if (!int.TryParse(part, out var octet) || octet > 255)
            {
                return false;
            }

            parts++;
        }

        return parts == 4;
    }

    /// <summary>Rejects time-like "12:30" shapes: an IPv6 address has at least two colons and a hex group of 3+ chars or "::".</summary>
    internal static bool IsIpv6(ReadOnlySpan<char> value) =>
        value.Count(':') >= 2 && System.Net.IPAddress.TryParse(value, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;

    /// <summary>Between 7 and 15 digits (E.164), not a date (2024-01-15 is excluded by the pattern) and not all one digit.</summary>
    internal static bool IsPhone(ReadOnlySpan<char> value)
    {
        var digits = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
        }

        return digits is >= 7 and <= 15;
    }
}
