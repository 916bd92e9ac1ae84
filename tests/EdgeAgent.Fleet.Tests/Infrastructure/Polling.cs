namespace EdgeAgent.Fleet.Tests.Infrastructure;

/// <summary>Reads a value again until it is what the test waits for, or the patience is spent.</summary>
internal static class Polling
{
    /// <summary>The first value <paramref name="done"/> accepts, or the last one read when <paramref name="patience"/> ran out (the caller asserts on it).</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(200);
        }
    }
}
