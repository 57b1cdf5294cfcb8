namespace Tollgate.Tests.Fuzz;

/// <summary>One edit of a seed body: <see cref="Where"/> picks the node or byte, <see cref="What"/> the fragment or field.</summary>
public readonly record struct Mutation(MutationKind Kind, uint Where, int What);
