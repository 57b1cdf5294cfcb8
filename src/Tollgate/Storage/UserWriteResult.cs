namespace Tollgate.Storage;

/// <summary>Outcome of a user write, decided by the store inside the write so concurrent instances cannot race past it.</summary>
public enum UserWriteResult
{
    Done,
    NotFound,

    /// <summary>The change would leave no user with the admin role.</summary>
    LastAdmin,
}
