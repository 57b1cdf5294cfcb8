namespace Tollgate.Tests.Fuzz;

/// <summary>What one mutation does to a seed body: structural edits first (on the JSON tree), then byte edits.</summary>
public enum MutationKind
{
    /// <summary>A value anywhere in the tree becomes a hostile fragment (wrong type, bad escape, control character, ...).</summary>
    ReplaceValue,

    /// <summary>A member of an object is removed.</summary>
    RemoveMember,

    /// <summary>An object gains a member with a field name the gateway or a provider knows, holding a hostile fragment.</summary>
    AddMember,

    /// <summary>A field the object already has appears a second time with another value.</summary>
    DuplicateMember,

    /// <summary>A string value gets bytes that are not UTF-8 (a lone continuation byte, an encoded surrogate, ...).</summary>
    RawStringBytes,

    /// <summary>One byte of the serialised body is replaced.</summary>
    FlipByte,

    /// <summary>The serialised body is cut short.</summary>
    Truncate,
}
