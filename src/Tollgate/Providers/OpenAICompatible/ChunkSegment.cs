namespace Tollgate.Providers.OpenAICompatible;

/// <summary>One non-empty string of a chunk's delta, as a range over the chunk's bytes with its quotes.</summary>
internal readonly record struct ChunkSegment(ChunkSegmentKind Kind, Range Text);
