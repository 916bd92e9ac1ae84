namespace EdgeAgent.Core.Records;

/// <summary>
/// Small checkpoint records by id, kept on the node's device beside the record: where each outbound stream stands, and
/// single values (a scan position, a counter, the buffer's epoch). Each record has one writer.
/// </summary>
public interface ICheckpointTable
{
    /// <summary>The state saved under <paramref name="id"/>, or a new one when none was.</summary>
    StreamState Load(string id);

    /// <summary>Saves <paramref name="state"/> under <paramref name="id"/>, replacing what was there.</summary>
    void Save(string id, StreamState state);

    /// <summary>The number saved under <paramref name="id"/>, or 0 when none was.</summary>
    long LoadValue(string id);

    /// <summary>Saves <paramref name="value"/> under <paramref name="id"/>, replacing what was there.</summary>
    void SaveValue(string id, long value);

    /// <summary>The text saved under <paramref name="id"/>; when none was, saves <paramref name="value"/> and returns it.</summary>
    string GetOrAddText(string id, string value);
}
