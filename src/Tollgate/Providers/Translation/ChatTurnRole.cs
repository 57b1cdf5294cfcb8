namespace Tollgate.Providers.Translation;

internal enum ChatTurnRole
{
    User,
    Assistant,
    Tool,
}
