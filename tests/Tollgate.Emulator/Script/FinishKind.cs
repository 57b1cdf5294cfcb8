namespace Tollgate.Emulator.Script;

/// <summary>Why the scripted reply ended; each dialect spells it its own way.</summary>
internal enum FinishKind
{
    Stop,
    Length,
    ToolCall,
    StopSequence,
}
